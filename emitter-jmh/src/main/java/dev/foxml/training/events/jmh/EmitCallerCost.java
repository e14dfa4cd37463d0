package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * What the trainer pays for one asynchronous emit call while the writer keeps up: the time the
 * call takes on the caller's thread, for every emit method.
 *
 * <p>How: each measured operation is a burst of {@value #BURST} emit calls per thread into an
 * empty queue (4 × {@value #BURST} = the default queue capacity, so a burst never spills into
 * the overflow even if the writer got no CPU at all); between bursts, outside the measured time,
 * {@code flush()} waits until the writer has delivered everything. A tight loop of emit calls
 * would instead measure the writer (encoding and the socket), which is several times slower
 * than the call: the queue would fill, and the figure would be the end-to-end throughput,
 * measured separately by {@link EndToEndBenchmark}. The writer runs during the burst, as in a
 * real run, and competes with the caller for the two CPUs.
 *
 * <p>Delivery is to a Unix socket drained by a reader thread in this JVM (the production path;
 * the transport does not enter the measured time, but the writer's work during the burst does
 * compete for the CPUs). The run fails if any event was lost or went to the fallback file.
 *
 * <p>{@code gc.alloc.rate.norm} counts every thread, the writer included; JMH's own work between
 * the many short iterations adds a little: compare with {@link #control()}, which emits nothing.
 * The split between the emitting threads and the writer is printed at the end of each trial
 * ({@code [allocation]} in the log; see {@link AllocationSplit}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 300)
@Measurement(iterations = 600)
@Fork(1)
public abstract class EmitCallerCost extends SocketEmitterState {

    /** Outside the measured burst: the writer delivers everything, so the next burst starts empty. */
    @TearDown(Level.Iteration)
    public void drain() {
        if (!emitter.flush()) {
            throw new IllegalStateException("flush() timed out: " + emitter.stats());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitProgress() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitProgress(STAGE, PCT);
        }
        allocation.end(allocated, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitProgressWithTarget() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        }
        allocation.end(allocated, BURST);
    }

    /** A training loop's progress: epoch, step and throughput (the loop index as the step). */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitProgressWithEpochStepThroughput() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, i, THROUGHPUT, null);
        }
        allocation.end(allocated, BURST);
    }

    /** As above, the emitter computing the throughput from a count of items processed. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitProgressWithItemCount() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitProgressWithItemCount(STAGE, PCT, null, 0, 0, EPOCH, i, 256L * i, null);
        }
        allocation.end(allocated, BURST);
    }

    /** A stage change whose previous stage the emitter remembers. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitStageChangeRemembered() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitStageChange(NEW_STAGE);
        }
        allocation.end(allocated, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitStageChange() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitStageChange(PREVIOUS_STAGE, NEW_STAGE);
        }
        allocation.end(allocated, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitTargetComplete() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitTargetComplete(TARGET, TARGET_STATUS);
        }
        allocation.end(allocated, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitTargetCompleteWithAuc() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitTargetComplete(TARGET, TARGET_STATUS, MODELS, AUC);
        }
        allocation.end(allocated, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitRunComplete() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitRunComplete(RUN_STATUS);
        }
        allocation.end(allocated, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void emitError() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitError(ERROR_MESSAGE, ERROR_TYPE, RECOVERABLE);
        }
        allocation.end(allocated, BURST);
    }

    /** The same harness with no emit: JMH's own time and allocation per operation in this mode. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void control() {
        // nothing: the floor the figures above stand on
    }
}
