package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.DoubleFormat;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.LiteralCache;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.encode.TimestampFormat;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's shortcuts around jackson-core's generator must not change a byte of any line:
 * literals kept for strings seen again ({@link LiteralCache}), numbers formatted by
 * {@link DoubleFormat} and timestamps by {@link TimestampFormat}. Each is compared with the
 * plain path: a fresh encoder that has never seen the string, {@link BigDecimal}, and
 * {@link DateTimeFormatter}.
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

    @Test
    void numbersAreWrittenAsTheirExactShortDecimal() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] out = new byte[32];
        List<Double> values = new ArrayList<>(List.of(0.5, 60.0, 100.0, 0.6512, 1e-6, -1e-6, 0.1, 0.000120,
                3600.25, 123_456_789.123_456, 9_007_199_253.5, -42.0, 99.999_999, 1.0, 10.0, 1000.0));
        for (int i = 0; i < 100_000; i++) {
            long micros = random.nextLong(-10_000_000_000_000L, 10_000_000_000_000L) / pow10(random.nextInt(7));
            values.add(micros / 1e6);
        }
        for (double v : values) {
            int len = DoubleFormat.format(v, out);
            assertTrue(len > 0, "not written: " + v);
            String written = new String(out, 0, len, StandardCharsets.US_ASCII);
            String plain = BigDecimal.valueOf(Math.round(v * 1e6), 6).stripTrailingZeros().toPlainString();
            assertEquals(plain.contains(".") ? plain : plain + ".0", written, "for " + v);
            assertEquals(v, Double.parseDouble(written), written);
        }
        // Values it does not take are left to the JDK (the caller's fallback), never written wrongly.
        for (double v : new double[] {1e-7, Math.PI, 1e300, Double.NaN, Double.POSITIVE_INFINITY, 9.1e9}) {
            assertEquals(-1, DoubleFormat.format(v, out), "for " + v);
        }
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    @Test
    void timestampsMatchTheJdksFormatterAcrossSecondsDaysAndYears() {
        DateTimeFormatter python = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'")
                .withZone(ZoneOffset.UTC);
        TimestampFormat format = new TimestampFormat();
        SplittableRandom random = new SplittableRandom(7);
        List<Long> micros = new ArrayList<>();
        long t = NOW;
        for (int i = 0; i < 20_000; i++) {
            // Mostly close together (the cached date and second), now and then far apart.
            t += random.nextInt(10) == 0 ? random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L)
                    : random.nextLong(0, 2_000_000L);
            micros.add(Math.max(0, Math.min(t, 4_102_444_800_000_000L)));
        }
        micros.addAll(List.of(0L, 86_399_999_999L, 86_400_000_000L, 951_782_399_999_999L, 951_782_400_000_000L));
        for (long m : micros) {
            String expected = python.format(Instant.ofEpochSecond(m / 1_000_000, m % 1_000_000 * 1_000));
            String written = new String(format.format(m), 0, TimestampFormat.LENGTH, StandardCharsets.US_ASCII);
            assertEquals(expected, written, "for " + m);
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
