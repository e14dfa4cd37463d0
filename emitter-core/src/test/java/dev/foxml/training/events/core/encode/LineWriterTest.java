package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.delivery.BatchBuffer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@link LineWriter} copies or formats by itself is byte for byte what jackson-core's
 * generator (set up as the line's) writes: strings of every UTF-16 unit, in every position, and
 * numbers across the whole long range. A line's bytes never depend on which path wrote them.
 */
class LineWriterTest {
    private static final Key KEY = Key.of("k");

    @Test
    void everyCharacterIsWrittenAsTheGeneratorWritesIt() throws IOException {
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c)) {
                continue; // alone, repaired to U+FFFD before writing (StringRepair); pairs below
            }
            String s = "a" + (char) c + "b";
            assertEquals(viaGenerator(s), written(s), "U+" + Integer.toHexString(c));
            assertEquals(viaGenerator(String.valueOf((char) c)), written(String.valueOf((char) c)),
                    "U+" + Integer.toHexString(c) + " alone");
        }
    }

    @Test
    void randomStringsAreWrittenAsTheGeneratorWritesThemTheFirstTimeAndAgain() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(40);
            for (int k = 0; k < n; k++) {
                int kind = random.nextInt(5);
                if (kind == 0) {
                    sb.appendCodePoint(random.nextInt(0x10000, 0x110000)); // a surrogate pair
                } else if (kind == 1) {
                    char c = (char) random.nextInt(0x10000);
                    sb.append(Character.isSurrogate(c) ? 'x' : c);
                } else {
                    sb.append((char) random.nextInt(0x80));
                }
            }
            String s = sb.toString();
            LineWriterOutput out = new LineWriterOutput();
            for (int again = 0; again < 3; again++) { // the third time comes from the literal cache
                assertEquals(viaGenerator(s), out.write(s), s);
            }
        }
    }

    @Test
    void longsAreWrittenAsTheJdkPrintsThem() {
        SplittableRandom random = new SplittableRandom(3);
        LineWriterOutput out = new LineWriterOutput();
        long[] edges = {0, 1, -1, 9, 10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 1_234_567};
        for (long v : edges) {
            assertEquals(",\"k\":" + v + "}\n", out.number(v));
        }
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertEquals(",\"k\":" + v + "}\n", out.number(v));
        }
    }

    private static String written(String s) throws IOException {
        return new LineWriterOutput().write(s);
    }

    /** The member {@code ,"k":<s>} closed as a line, with the string written by jackson-core's generator. */
    private static String viaGenerator(String s) {
        return ",\"k\":" + new String(LineWriter.asciiLiteral(s), StandardCharsets.ISO_8859_1) + "}\n";
    }

    /** One writer, kept across writes (so its literal cache is in play); each write one line, read back. */
    private static final class LineWriterOutput {
        private final BatchBuffer batch = new BatchBuffer(256);
        private final LineWriter line = new LineWriter(batch, new StringRepair(4096));

        String write(String s) throws IOException {
            batch.clear();
            line.begin(new byte[0]);
            line.string(KEY, s);
            return finish();
        }

        String number(long v) {
            batch.clear();
            line.begin(new byte[0]);
            line.number(KEY, v);
            return finish();
        }

        private String finish() {
            line.end();
            ByteBuffer bytes = batch.flipForWrite();
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            return new String(copy, StandardCharsets.ISO_8859_1);
        }
    }
}
