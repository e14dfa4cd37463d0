package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Escape sequences hidden in every string an event carries reach neither output as controls: the
 * rendered bytes hold no C0 control but the line ends (and, on the screen, the monitor's own
 * cursor sequences), no DEL and no C1 control.
 */
class TerminalSafetyTest {

    private static final Instant T0 = Instant.parse("2026-01-21T12:34:56.123456Z");

    /** An OSC title, a screen clear, a colour, a C1 CSI and DEL, as JSON escapes (as emitters write them). */
    private static final String HOSTILE = "\\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31m\\u009b2J\\u007f";
    private static final String H = "x" + HOSTILE + "y";

    /** A run whose every string field, key and value carries the escapes; two emitters of it. */
    static List<String> hostileRun() {
        String common = ", \"run_id\": \"run" + HOSTILE + "\", \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\"";
        String first = common + ", \"emitter_id\": \"e" + HOSTILE + "\", \"worker\": \"w" + HOSTILE + "\"";
        String second = common + ", \"emitter_id\": \"0123456789abcdef\"";
        return List.of(
                "{\"event_type\": \"run_start\", \"pid\": 7, \"host\": \"" + H + "\", \"jvm_version\": \"" + H
                        + "\", \"start_time\": \"" + H + "\", \"tags\": {\"" + H + "\": \"" + H + "\"}" + first
                        + ", \"seq\": 1, \"elapsed_seconds\": 0.0, \"params\": {\"" + H + "\": \"" + H + "\", \"n"
                        + HOSTILE + "\": 3}}",
                "{\"event_type\": \"stage_change\", \"previous_stage\": \"" + H + "\", \"new_stage\": \"" + H + "\""
                        + first + ", \"seq\": 2}",
                "{\"event_type\": \"progress\", \"stage\": \"" + H + "\", \"progress_pct\": 50, \"current_target\": \""
                        + H + "\", \"targets_complete\": 1, \"targets_total\": 2" + first
                        + ", \"seq\": 3, \"eta_seconds\": 3.5, \"metrics\": {\"loss" + HOSTILE + "\": 0.5, \""
                        + H + "\": 1}, \"epoch\": 2, \"step\": 40, \"throughput\": 120.5}",
                "{\"event_type\": \"error\", \"error_message\": \"" + H + "\", \"error_type\": \"a.b." + H
                        + "\", \"recoverable\": true" + first + ", \"seq\": 4}",
                "{\"event_type\": \"target_complete\", \"target\": \"" + H + "\", \"status\": \"" + H
                        + "\", \"models_trained\": 1, \"best_auc\": 0.7" + first + ", \"seq\": 5, \"metrics\": {\""
                        + H + "\": 0.9, \"loss" + HOSTILE + "\": 0.4}}",
                "{\"event_type\": \"run_complete\", \"status\": \"" + H + "\"" + first + ", \"seq\": 6}",
                "{\"event_type\": \"progress\", \"stage\": \"" + H + "\", \"progress_pct\": 10, \"current_target\": \""
                        + H + "\", \"targets_complete\": 0, \"targets_total\": 2" + second + ", \"seq\": 1}",
                // A line that is not JSON, raw escapes and all, is reported as ignored: shown too.
                "not json \u001b]0;pwned\u0007\u001b[2J\u001b[31m\u009b2J\u007f",
                "{\"event_type\": \"run_complete\", \"status\": \"" + H + "\"" + second + ", \"seq\": 2}");
    }

    @Test
    void plainLinesCarryNoControlFromAnyEventString() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        MonitorOutput plain = MonitorOutput.plain(out);
        MonitorState state = new MonitorState();
        for (String line : hostileRun()) {
            plain.update(state.accept(line, T0), state, T0);
        }
        plain.update(state.connectionClosed(T0), state, T0);
        plain.finish(state, T0);
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertNoControls(text);
        assertTrue(text.contains("^[]0;pwned^G^[[2J^[[31m<U+009B>2J^?"), text);
    }

    @Test
    void theScreenCarriesNoControlFromAnyEventStringButItsOwn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AnsiScreen screen = new AnsiScreen(out, new ScreenRenderer(true), () -> new TerminalSize(200, 60), "reading");
        MonitorState state = new MonitorState();
        List<String> lines = hostileRun();
        for (int i = 0; i < lines.size(); i++) {
            Instant at = T0.plusSeconds(i);
            screen.update(state.accept(lines.get(i), at), state, at);
            screen.refresh(state, at);
        }
        screen.finish(state, T0.plusSeconds(60));
        String text = bytes.toString(StandardCharsets.UTF_8);

        String start = "\u001b[?25l\u001b[2J";
        assertTrue(text.startsWith(start), "the monitor clears the screen once, first");
        String own = text.substring(start.length())
                .replace("\u001b[H", "").replace("\u001b[K", "").replace("\u001b[J", "").replace("\u001b[?25h", "");
        assertNoControls(own);
        assertTrue(own.contains("^[]0;pwned^G^[[2J^[[31m<U+009B>2J^?"), own);
    }

    @Test
    void replacesC0DelAndC1ControlsWithVisiblePlaceholders() {
        assertEquals("^[]0;pwned^G ^[[2J ^[[31m <U+009B>2J ^? <U+0085>",
                TerminalText.safe("\u001b]0;pwned\u0007\t\u001b[2J\n\u001b[31m\r\u009b2J \u007f \u0085"));
        assertEquals("^@^A^_", TerminalText.safe("\u0000\u0001\u001f"));
        String plain = "ret_5m \u00e4\u2588 \u00a0";
        assertTrue(plain == TerminalText.safe(plain), "text without controls is returned as it is");
        String once = TerminalText.safe("\u001b\u009b\u007f");
        assertEquals(once, TerminalText.safe(once));
        for (char c = 0; c < 0x100; c++) {
            assertEquals(c < 0x20 || (c >= 0x7f && c <= 0x9f), TerminalText.isControl(c), "U+" + (int) c);
            String safe = TerminalText.safe(String.valueOf(c));
            assertFalse(safe.chars().anyMatch(ch -> TerminalText.isControl((char) ch)), safe);
        }
    }

    private static void assertNoControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\n' && TerminalText.isControl(c)) {
                int from = Math.max(0, i - 40);
                throw new AssertionError("control U+" + String.format("%04X", (int) c) + " at " + i + " after: "
                        + TerminalText.safe(text.substring(from, i)));
            }
        }
    }
}
