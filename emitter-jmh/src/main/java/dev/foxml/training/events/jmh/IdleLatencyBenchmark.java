package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * An event emitted while nothing else is queued, and the writer thread is parked (as it is
 * between a trainer's sparse events): how long until the socket's reader has the whole line,
 * and what the emit call itself costs then. The events here come a few hundred µs apart, so the
 * writer is napping (a timed park the emit does not cut short: the line waits for the nap's end,
 * and the emit pays no wake-up); after 5 ms without an event it sleeps and the emit wakes it.
 * Sampled per event; read the percentiles ({@code p0.99}) in the output.
 *
 * <p>Before every measured event, outside the measured time, the previous line has reached the
 * reader and the writer thread is parked again.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class IdleLatencyBenchmark {
    private Path dir;
    private DrainingSocketReader reader;
    private DefaultTrainingEventEmitter emitter;
    private Thread writer;
    private LongSupplier readerLines;
    /** Lines sent so far: the reader has them all before each measured event. */
    private long sent;

    @Setup(Level.Trial)
    public void start() {
        dir = TempDirs.create();
        reader = DrainingSocketReader.start(dir.resolve("events.sock"));
        readerLines = reader::lines;
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        emitter = socketEmitter(dir, reader.path(), false);
        writer = AllocationSplit.writerThreadBesides(before);
        // Whatever the emitter sends by itself at start (run_start) arrives before the first sample.
        emitter.flush();
        sent = emitter.stats().writtenToSocket();
    }

    /** Not measured: the previous line has arrived and the writer is asleep. */
    @Setup(Level.Invocation)
    public void waitUntilIdle() {
        if (!DrainingSocketReader.await(readerLines, sent, 5_000)) {
            throw new IllegalStateException("the reader got " + reader.lines() + " lines of " + sent);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (writer.getState() != Thread.State.TIMED_WAITING && writer.getState() != Thread.State.WAITING) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the writer did not go idle: " + writer.getState());
            }
            Thread.onSpinWait();
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        try {
            checkDelivered("IdleLatencyBenchmark", emitter, true);
        } finally {
            emitter.close();
            reader.close();
            TempDirs.delete(dir);
        }
    }

    /** From the emit call to the reader having read the line's newline. */
    @Benchmark
    public long emitToReader() {
        long target = ++sent;
        emitter.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        while (reader.lines() < target) {
            Thread.onSpinWait();
        }
        return target;
    }

    /** The emit call alone, the writer parked. */
    @Benchmark
    public void emitCallWhileIdle() {
        sent++;
        emitter.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
    }
}
