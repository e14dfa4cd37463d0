package dev.foxml.training.events.core.encode;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder's own number and timestamp formatting must write exactly the value: numbers
 * formatted by {@link DoubleFormat} are compared with {@link BigDecimal}, seconds formatted from a
 * micro count with the double they make, timestamps formatted by {@link TimestampFormat} with
 * {@link DateTimeFormatter}.
 */
class NumberAndTimeFormatTest {
    private static final long NOW = 1_769_000_000_123_456L;

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
            int len = DoubleFormat.format(v, out, 0);
            assertTrue(len > 0, "not written: " + v);
            String written = new String(out, 0, len, StandardCharsets.US_ASCII);
            String plain = BigDecimal.valueOf(Math.round(v * 1e6), 6).stripTrailingZeros().toPlainString();
            assertEquals(plain.contains(".") ? plain : plain + ".0", written, "for " + v);
            assertEquals(v, Double.parseDouble(written), written);
        }
        // Values it does not take are left to the JDK (the caller's fallback), never written wrongly.
        for (double v : new double[] {1e-7, Math.PI, 1e300, Double.NaN, Double.POSITIVE_INFINITY, 9.1e9}) {
            assertEquals(-1, DoubleFormat.format(v, out, 0), "for " + v);
        }
    }

    @Test
    void secondsFromMicrosAreTheDigitsOfTheDoubleTheyMake() {
        // elapsed_seconds is formatted from the micro count; the bytes must be those of count / 1e6.
        SplittableRandom random = new SplittableRandom(7);
        byte[] fromMicros = new byte[32];
        byte[] fromDouble = new byte[32];
        List<Long> counts = new ArrayList<>(List.of(0L, 1L, 9L, 10L, 999_999L, 1_000_000L, 1_000_001L,
                3_600_250_000L, 86_400_000_000L * 365 * 30, DoubleFormat.MILLIONTHS_EXACT - 1));
        for (int i = 0; i < 200_000; i++) {
            counts.add(random.nextLong(0, 1L << (1 + random.nextInt(50))));
        }
        for (int i = 0; i < 100_000; i++) {
            counts.add(DoubleFormat.MILLIONTHS_EXACT - 1 - random.nextLong(1_000_000_000L));
        }
        for (long m : counts) {
            int end = DoubleFormat.formatMillionths(m, fromMicros, 3);
            int len = DoubleFormat.format(m / 1e6, fromDouble, 0);
            assertTrue(len > 0, "not written: " + m);
            assertEquals(new String(fromDouble, 0, len, StandardCharsets.US_ASCII),
                    new String(fromMicros, 3, end - 3, StandardCharsets.US_ASCII), "for " + m + " µs");
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
}
