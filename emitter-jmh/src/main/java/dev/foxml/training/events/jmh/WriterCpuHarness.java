package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * The writer thread's CPU time, as a trainer emitting at its own pace costs it: a harness (a
 * {@code main}, not a JMH benchmark: what is measured is another thread's CPU time, over seconds
 * of wall time, not the time of a call).
 *
 * <ol>
 *   <li><b>Paced</b>: {@code --events} events (default 5,000) emitted one every {@code --interval-us}
 *       µs (default 1,000, i.e. 1,000 events/s) by a trainer thread that parks between events;
 *       the writer's CPU time ({@code ThreadMXBean.getThreadCpuTime} of the thread named
 *       {@code foxml-training-events-writer-*}) from the first emit until everything is delivered,
 *       per event and as a share of one CPU.</li>
 *   <li><b>Idle</b>: a burst of 2,048 events, {@code flush()}, then the writer's CPU time over the
 *       first second of idleness and over the {@code --idle-seconds} (default 5) after it, as a
 *       share of one CPU (the target is the second figure: once idle for 1 s).</li>
 * </ol>
 *
 * <p>Before both, 100,000 events back to back compile the writer's path (not measured). The
 * emitter sends to a Unix socket drained by a reader thread in this JVM ({@code --sink socket},
 * the default) or to a file ({@code --sink file}). Exits with status 1, printing the emitter's
 * statistics, when any event was lost or went elsewhere.
 *
 * <pre>
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.WriterCpuHarness
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.WriterCpuHarness --sink file --events 20000 --idle-seconds 30
 * </pre>
 */
public final class WriterCpuHarness {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private WriterCpuHarness() {
    }

    /**
     * Runs the harness and prints its figures.
     *
     * @param args {@code --sink socket|file}, {@code --events N}, {@code --interval-us N},
     *     {@code --idle-seconds N}
     */
    public static void main(String[] args) {
        String sink = "socket";
        int events = 5_000;
        long intervalMicros = 1_000;
        int idleSeconds = 5;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--sink": sink = value; i++; break;
                case "--events": events = Integer.parseInt(value); i++; break;
                case "--interval-us": intervalMicros = Long.parseLong(value); i++; break;
                case "--idle-seconds": idleSeconds = Integer.parseInt(value); i++; break;
                default:
                    System.err.println("unknown argument " + args[i]
                            + "; use --sink socket|file --events N --interval-us N --idle-seconds N");
                    System.exit(2);
            }
        }
        if (!"socket".equals(sink) && !"file".equals(sink)) {
            System.err.println("--sink " + sink + ": use socket or file");
            System.exit(2);
        }
        if (!THREADS.isThreadCpuTimeSupported()) {
            System.err.println("this JVM cannot measure a thread's CPU time");
            System.exit(2);
        }
        THREADS.setThreadCpuTimeEnabled(true);
        boolean toSocket = "socket".equals(sink);
        Path dir = TempDirs.create();
        DrainingSocketReader reader = null;
        DefaultTrainingEventEmitter emitter = null;
        int status = 0;
        try {
            Set<Thread> before;
            if (toSocket) {
                reader = DrainingSocketReader.start(dir.resolve("events.sock"));
                before = Thread.getAllStackTraces().keySet();
                emitter = socketEmitter(dir, reader.path(), false);
            } else {
                before = Thread.getAllStackTraces().keySet();
                emitter = fileEmitter(dir, dir.resolve("events.jsonl"), false);
            }
            long writer = AllocationSplit.writerThreadBesides(before).getId();
            System.out.printf("[writer-cpu] sink %s, %d events %d µs apart, then %d s idle after a burst%n",
                    sink, events, intervalMicros, idleSeconds);

            for (int i = 0; i < 100_000; i++) {
                emitter.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, i, THROUGHPUT, null);
                if (i % SocketEmitterState.BURST == 0) {
                    flushOrFail(emitter);
                }
            }
            flushOrFail(emitter);
            sleepMillis(200);

            // Paced: one event every intervalMicros, on a schedule (a late event does not push the others).
            long intervalNanos = TimeUnit.MICROSECONDS.toNanos(intervalMicros);
            long cpu0 = THREADS.getThreadCpuTime(writer);
            long wall0 = System.nanoTime();
            for (int i = 0; i < events; i++) {
                long due = wall0 + i * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                emitter.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, i, THROUGHPUT, null);
            }
            flushOrFail(emitter);
            long wall = System.nanoTime() - wall0;
            long cpu = THREADS.getThreadCpuTime(writer) - cpu0;
            System.out.printf("[writer-cpu] paced: %.2f µs of writer CPU per event (%d events over %.2f s,"
                            + " %.0f events/s achieved); writer busy %.2f %% of one CPU%n",
                    cpu / 1e3 / events, events, wall / 1e9, events / (wall / 1e9), 100.0 * cpu / wall);

            // Idle after a burst.
            for (int i = 0; i < SocketEmitterState.BURST; i++) {
                emitter.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, i, THROUGHPUT, null);
            }
            flushOrFail(emitter);
            long idle0 = THREADS.getThreadCpuTime(writer);
            long idleWall0 = System.nanoTime();
            sleepMillis(1_000);
            long idle1 = THREADS.getThreadCpuTime(writer);
            long idleWall1 = System.nanoTime();
            sleepMillis(idleSeconds * 1_000L);
            long idle2 = THREADS.getThreadCpuTime(writer);
            long idleWall2 = System.nanoTime();
            System.out.printf("[writer-cpu] idle, first second after the burst: %.4f %% of one CPU (%d µs)%n",
                    100.0 * (idle1 - idle0) / (idleWall1 - idleWall0), (idle1 - idle0) / 1_000);
            System.out.printf("[writer-cpu] idle, the %d s after that: %.4f %% of one CPU (%d µs of CPU)%n",
                    idleSeconds, 100.0 * (idle2 - idle1) / (idleWall2 - idleWall1), (idle2 - idle1) / 1_000);

            checkDelivered("WriterCpuHarness", emitter, toSocket);
            if (toSocket) {
                long written = emitter.stats().writtenToSocket();
                DrainingSocketReader r = reader;
                if (!DrainingSocketReader.await(r::lines, written, 10_000) || r.lines() != written) {
                    throw new IllegalStateException("the reader got " + r.lines() + " lines of " + written);
                }
            }
        } catch (RuntimeException e) {
            System.out.println("[writer-cpu] FAILED: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        } finally {
            if (emitter != null) {
                emitter.close();
            }
            if (reader != null) {
                reader.close();
            }
            TempDirs.delete(dir);
        }
        System.exit(status);
    }

    private static void flushOrFail(DefaultTrainingEventEmitter emitter) {
        if (!emitter.flush()) {
            throw new IllegalStateException("flush() timed out: " + emitter.stats());
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
