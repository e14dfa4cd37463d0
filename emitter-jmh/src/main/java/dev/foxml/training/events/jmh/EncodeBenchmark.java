package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;
import dev.foxml.training.events.core.support.MicrosClock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the writer thread spends turning one event into its line: {@link EventEncoder} into a
 * {@link BatchBuffer} that is cleared before every operation, one benchmark per event type.
 * (Both are internal to {@code emitter-core}: public in a package its module does not export.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EncodeBenchmark {
    private static final String RUN_ID = "bench-run-0001";

    private BatchBuffer batch;
    private EventEncoder encoder;
    private final EventSlot progress = new EventSlot();
    private final EventSlot stageChange = new EventSlot();
    private final EventSlot targetComplete = new EventSlot();
    private final EventSlot runComplete = new EventSlot();
    private final EventSlot error = new EventSlot();

    @Setup
    public void setUp() {
        batch = new BatchBuffer(64 * 1024);
        long now = new MicrosClock().nowMicros();
        // A run an hour and a quarter-second old: elapsed_seconds as in a real run, 3600.25.
        RunInfo run = new RunInfo(now - 3_600_250_000L, Map.of());
        encoder = new EventEncoder(RUN_ID, null, run, 4096, batch);
        long seq = 1_234_567;
        progress.progress("training", 60.0, "ret_5m", 3, 5, -1, -1, Double.NaN, false, null, null);
        stageChange.stageChange("feature_selection", "training", false);
        targetComplete.targetComplete("ret_5m", "success", 4, 0.6512, null, null);
        runComplete.runComplete("success");
        error.error("CUDA out of memory while training ret_5m", "java.lang.IllegalStateException", true);
        for (EventSlot slot : new EventSlot[] {progress, stageChange, targetComplete, runComplete, error}) {
            slot.timestampMicros = now;
            slot.seq = seq;
        }
    }

    @Benchmark
    public int progress() {
        batch.clear();
        return encoder.encode(progress);
    }

    @Benchmark
    public int stageChange() {
        batch.clear();
        return encoder.encode(stageChange);
    }

    @Benchmark
    public int targetComplete() {
        batch.clear();
        return encoder.encode(targetComplete);
    }

    @Benchmark
    public int runComplete() {
        batch.clear();
        return encoder.encode(runComplete);
    }

    @Benchmark
    public int error() {
        batch.clear();
        return encoder.encode(error);
    }
}
