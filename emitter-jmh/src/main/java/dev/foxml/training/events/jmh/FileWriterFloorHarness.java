package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.support.MicrosClock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * How many progress lines one thread can build and append to a file per second, with no queue and
 * no other thread: the ceiling of any design in which one writer thread both encodes and writes.
 * Two ways, in alternating one-second slices in one JVM so that the machine's swings hit both:
 * <ul>
 *   <li><b>encoder</b>: {@link EventEncoder} encoding slots from a ring (filled as an emit fills
 *       them) into a 64 KiB {@link BatchBuffer}, written with one {@code write} per batch, as the
 *       writer does;</li>
 *   <li><b>minimal</b>: the same line shape built from constant pieces by copying, with only the
 *       timestamp's micros, the seq and the elapsed seconds formatted, no argument checks, no
 *       repair and no caching: less than any encoder honouring the wire format can do.</li>
 * </ul>
 * Each slice prints lines/s (of the time spent building and writing; filling the slots, the
 * emits' part, is left out), and the time per line spent building and in the {@code write}
 * system call.
 *
 * <pre>
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.FileWriterFloorHarness --slices 6
 * </pre>
 */
public final class FileWriterFloorHarness {
    private static final int BATCH_BYTES = 64 * 1024;
    private static final long SLICE_NANOS = 1_000_000_000L;

    private FileWriterFloorHarness() {
    }

    /**
     * Runs the harness and prints its figures.
     *
     * @param args {@code --slices N}: slices of each way (default 6), after one of each to warm up
     * @throws IOException when the temporary files cannot be written
     */
    public static void main(String[] args) throws IOException {
        int slices = args.length == 2 && "--slices".equals(args[0]) ? Integer.parseInt(args[1]) : 6;
        Path dir = TempDirs.create();
        try (FileChannel encoderFile = append(dir.resolve("encoder.jsonl"));
             FileChannel minimalFile = append(dir.resolve("minimal.jsonl"))) {
            Encoder encoder = new Encoder();
            Minimal minimal = new Minimal();
            double[] encoderRates = new double[slices];
            double[] minimalRates = new double[slices];
            System.out.println("[file-floor] one thread building progress lines and appending them in 64 KiB writes");
            for (int i = -1; i < slices; i++) {
                double e = slice("encoder", encoderFile, encoder);
                double m = slice("minimal", minimalFile, minimal);
                if (i >= 0) {
                    encoderRates[i] = e;
                    minimalRates[i] = m;
                }
            }
            System.out.printf("[file-floor] encoder %s, minimal %s M lines/s (median [range] of %d slices)%n",
                    summary(encoderRates), summary(minimalRates), slices);
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static FileChannel append(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** One second of batches: built, then written; the file emptied after. Returns millions of lines/s. */
    private static double slice(String name, FileChannel file, LineBuilder builder) throws IOException {
        long start = System.nanoTime();
        long lines = 0;
        long building = 0;
        long writing = 0;
        long bytes = 0;
        while (System.nanoTime() - start < SLICE_NANOS) {
            builder.prepare();
            long t0 = System.nanoTime();
            ByteBuffer batch = builder.batch();
            lines += builder.lastBatchLines();
            bytes += batch.remaining();
            long t1 = System.nanoTime();
            while (batch.hasRemaining()) {
                file.write(batch);
            }
            building += t1 - t0;
            writing += System.nanoTime() - t1;
        }
        double rate = lines * 1e3 / (building + writing); // the emits' part (prepare) left out
        if (file.size() != bytes) {
            throw new IllegalStateException(name + ": the file holds " + file.size() + " bytes, " + bytes + " were written");
        }
        file.truncate(0);
        System.out.printf("[file-floor] %-7s %.2f M lines/s: build %.0f ns, write %.0f ns a line%n",
                name, rate, (double) building / lines, (double) writing / lines);
        return rate;
    }

    private static String summary(double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return String.format("%.2f [%.2f–%.2f]", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }

    private interface LineBuilder {
        /** Work that is not the writer's (an emit filling slots), before the batch is timed. */
        default void prepare() {
        }

        /** The next batch of whole lines, ready to write. */
        ByteBuffer batch();

        int lastBatchLines();
    }

    /** The emitter's encoder, from slots filled as an emit fills them. */
    private static final class Encoder implements LineBuilder {
        private final BatchBuffer batch = new BatchBuffer(BATCH_BYTES * 2);
        private final EventEncoder encoder;
        /** More slots than one 64 KiB batch of progress lines takes (~200). */
        private static final int SLOTS_AHEAD = 512;
        private final EventSlot[] ring = new EventSlot[8192];
        private final MicrosClock clock = new MicrosClock();
        private long seq = 1_234_567;
        private int next;

        Encoder() {
            encoder = new EventEncoder(RUN_ID, null, new RunInfo(clock.nowMicros() - 3_600_250_000L, Map.of()),
                    4096, batch);
            for (int i = 0; i < ring.length; i++) {
                ring[i] = new EventSlot();
            }
        }

        /** The emits' part: the slots of the next batch filled (more than one batch takes). */
        @Override
        public void prepare() {
            long now = clock.nowMicros();
            for (int i = 0; i < SLOTS_AHEAD; i++) {
                EventSlot slot = ring[(next + i) & (ring.length - 1)];
                slot.progress(STAGE, PCT, TARGET, COMPLETE, TOTAL, -1, -1, Double.NaN, false, null, null);
                slot.timestampMicros = now + i;
                slot.seq = seq + i;
            }
        }

        /** The writer's part: encode, then clear each slot, as the writer does. */
        @Override
        public ByteBuffer batch() {
            batch.clear();
            while (batch.size() < BATCH_BYTES) {
                EventSlot slot = ring[next++ & (ring.length - 1)];
                encoder.encode(slot);
                slot.clear();
                seq++;
            }
            return batch.flipForWrite();
        }

        @Override
        public int lastBatchLines() {
            return batch.lines();
        }
    }

    /** The line's constant pieces copied, the varying numbers formatted, nothing checked. */
    private static final class Minimal implements LineBuilder {
        private static final byte[] HEAD = ascii("{\"event_type\":\"progress\",\"stage\":\"" + STAGE
                + "\",\"progress_pct\":60.0,\"current_target\":\"" + TARGET + "\",\"targets_complete\":" + COMPLETE
                + ",\"targets_total\":" + TOTAL + ",\"run_id\":\"" + RUN_ID + "\",\"timestamp\":\"");
        private static final byte[] SEQ = ascii("+00:00\",\"seq\":");
        private static final byte[] EMITTER = ascii(",\"emitter_id\":\"44fab1bb31e22c03\",\"elapsed_seconds\":");
        private static final byte[] TAIL = ascii(
                ",\"eta_seconds\":null,\"metrics\":null,\"epoch\":null,\"step\":null,\"throughput\":null}\n");

        private final ByteBuffer out = ByteBuffer.allocateDirect(BATCH_BYTES * 2);
        private final byte[] line = new byte[1024];
        /** Date and time of day fixed: only the micros change, the least a timestamp can cost. */
        private final byte[] timestamp = ascii("2026-11-30T08:00:00.000000");
        private final MicrosClock clock = new MicrosClock();
        private long seq = 1_234_567;
        private int lines;

        @Override
        public ByteBuffer batch() {
            out.clear();
            lines = 0;
            long now = clock.nowMicros();
            while (out.position() < BATCH_BYTES) {
                int n = build(now++, seq++);
                out.put(line, 0, n);
                lines++;
            }
            return out.flip();
        }

        @Override
        public int lastBatchLines() {
            return lines;
        }

        private int build(long micros, long seq) {
            int at = copy(HEAD, 0);
            int fraction = (int) (micros % 1_000_000);
            for (int i = timestamp.length - 1; i >= timestamp.length - 6; i--) {
                timestamp[i] = (byte) ('0' + fraction % 10);
                fraction /= 10;
            }
            at = copy(timestamp, at);
            at = copy(SEQ, at);
            at = digits(seq, at);
            at = copy(EMITTER, at);
            long elapsed = 3_600_250_000L + micros % 1_000_000;
            at = digits(elapsed / 1_000_000, at);
            line[at++] = '.';
            int micro = (int) (elapsed % 1_000_000);
            for (int i = at + 5; i >= at; i--) {
                line[i] = (byte) ('0' + micro % 10);
                micro /= 10;
            }
            at += 6;
            return copy(TAIL, at);
        }

        private int copy(byte[] bytes, int at) {
            System.arraycopy(bytes, 0, line, at, bytes.length);
            return at + bytes.length;
        }

        private int digits(long value, int at) {
            int len = 1;
            for (long p = 10; len < 19 && value >= p; p *= 10) {
                len++;
            }
            for (int i = at + len - 1; i >= at; i--) {
                line[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            return at + len;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
