package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The screen follows the terminal's size, read before every frame. */
class AnsiScreenTest {

    private static final Instant T0 = Instant.parse("2026-01-21T12:34:56.123456Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicReference<TerminalSize> size = new AtomicReference<>(new TerminalSize(100, 40));
    private final AnsiScreen screen = new AnsiScreen(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            new ScreenRenderer(false), size::get, "reading file /f");
    private final MonitorState state = new MonitorState();

    @Test
    void redrawsClearedToTheNewSizeAsSoonAsTheTerminalIsResized() {
        RecordedLines.run().forEach(line -> screen.update(state.accept(line, T0), state, T0));
        screen.refresh(state, T0);
        List<String> wide = frameLines(take());
        assertTrue(wide.stream().anyMatch(l -> l.length() > 60), wide::toString);

        // Nothing changed, and it is too soon for the once-a-second redraw: nothing is drawn.
        screen.refresh(state, T0.plusMillis(10));
        assertEquals("", take());

        size.set(new TerminalSize(40, 12));
        screen.refresh(state, T0.plusMillis(20));
        String frame = take();
        assertTrue(frame.startsWith("\u001b[2J\u001b[H"), "a resize clears what the terminal reflowed");
        List<String> narrow = frameLines(frame);
        assertEquals(11, narrow.size(), "one line short of the new height: " + narrow);
        assertTrue(narrow.stream().allMatch(l -> l.length() <= 39), narrow::toString);

        // The same size again: back to redrawing in place, without clearing.
        screen.update(state.accept(MonitorStateTest.line("progress", "\"stage\": \"x\", \"progress_pct\": 1"), T0), state, T0);
        screen.refresh(state, T0.plusMillis(200));
        assertTrue(take().startsWith("\u001b[H"));
    }

    private String take() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return text;
    }

    /** The frame's lines without the screen's own escapes. */
    private static List<String> frameLines(String frame) {
        String text = frame.replace("\u001b[?25l", "").replace("\u001b[2J", "").replace("\u001b[H", "")
                .replace("\u001b[J", "");
        List<String> lines = Arrays.asList(text.split("\u001b\\[K\n", -1));
        // What follows the last line's end is the frame's end, not a line.
        return lines.subList(0, lines.size() - 1);
    }
}
