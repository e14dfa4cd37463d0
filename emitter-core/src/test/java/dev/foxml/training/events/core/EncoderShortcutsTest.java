package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.LiteralCache;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's shortcut around jackson-core's generator must not change a byte of any line:
 * literals kept for strings seen again ({@link LiteralCache}), compared with a fresh encoder that
 * has never seen the string. (The number and timestamp shortcuts: {@code NumberAndTimeFormatTest}.)
 */
class EncoderShortcutsTest {
    private static final long NOW = 1_769_000_000_123_456L;
    private static final RunInfo RUN = new RunInfo(NOW - 3_600_000_000L, Map.of());

    /** Strings a trainer may pass again and again, hostile ones included, and the edges of what is kept. */
    private static List<String> repeatedStrings() {
        List<String> strings = new ArrayList<>();
        for (HostileStringsTest.Hostile h : HostileStringsTest.HOSTILE) {
            if (h.value() != null) {
                strings.add(h.value());
            }
        }
        strings.add("training");
        strings.add("caf\u00e9 \u2603 \uD83D\uDE80 \u4E2D\u6587 / \u007F");
        strings.add("x".repeat(LiteralCache.MAX_CHARS));
        strings.add("y".repeat(LiteralCache.MAX_CHARS + 1));
        strings.add("");
        return strings;
    }

    @Test
    void aStringWrittenAgainGivesTheSameBytesAsTheFirstTime() {
        BatchBuffer batch = new BatchBuffer(1024);
        EventEncoder encoder = new EventEncoder("run", null, RUN, 200, batch);
        for (String s : repeatedStrings()) {
            String expected = line(freshEncoderLine(s, "progress-stage"));
            // Four times the same instance (kept from the second on), then an equal copy.
            for (String again : new String[] {s, s, s, s, new String(s)}) {
                assertEquals(expected, line(encode(encoder, batch, again, "progress-stage")),
                        "line for " + HostileStringsTest.HOSTILE.stream()
                                .filter(h -> s.equals(h.value())).findFirst().map(Object::toString).orElse(s));
            }
        }
    }

    @Test
    void stringsSharingAnEntryTakeTurnsWithoutMixingUp() {
        // "Aa" and "BB" have the same hashCode, so they land in the same entry.
        assertEquals("Aa".hashCode(), "BB".hashCode());
        BatchBuffer batch = new BatchBuffer(1024);
        EventEncoder encoder = new EventEncoder("run", null, RUN, 200, batch);
        String[] sequence = {"Aa", "Aa", "Aa", "BB", "BB", "BB", "Aa", "BB", "Aa", "BB", "BB", "Aa"};
        for (String s : sequence) {
            assertEquals(line(freshEncoderLine(s, "BB")), line(encode(encoder, batch, s, "BB")), s);
        }
    }

    private static String freshEncoderLine(String s, String type) {
        BatchBuffer batch = new BatchBuffer(1024);
        return encode(new EventEncoder("run", null, RUN, 200, batch), batch, s, type);
    }

    /** An error event carrying {@code s} as message and {@code type} as type; the line as a string. */
    private static String encode(EventEncoder encoder, BatchBuffer batch, String s, String type) {
        EventSlot slot = new EventSlot();
        slot.error(s, type, true);
        slot.timestampMicros = NOW;
        slot.seq = 7;
        return Lines.encodedLine(encoder, batch, slot);
    }

    private static String line(String encoded) {
        assertTrue(encoded.endsWith("\n") && encoded.indexOf('\n') == encoded.length() - 1, encoded);
        return encoded;
    }
}
