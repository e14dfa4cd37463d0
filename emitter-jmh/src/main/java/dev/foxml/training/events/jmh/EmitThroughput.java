package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * Every emit method at full speed, sustained: per thread, bursts of {@value #BURST} emits, each
 * followed by {@code flush()}, so an operation is one event delivered to the socket's reader and
 * the score is events per second (all threads together). Here the writer sets the pace, not
 * the caller: this is the emit path's throughput, and, since the iterations are long,
 * {@code gc.alloc.rate.norm} is the steady-state allocation per event of every thread involved
 * (callers, writer, reader) with JMH's own share negligible. The split between the emitting
 * threads (emit calls and flush) and the writer is printed at the end of each trial
 * ({@code [allocation]} in the log).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public abstract class EmitThroughput extends SocketEmitterState {

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitProgress() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitProgress(STAGE, PCT);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitProgressWithTarget() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitStageChange() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitStageChange(PREVIOUS_STAGE, NEW_STAGE);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitTargetComplete() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitTargetComplete(TARGET, TARGET_STATUS);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitTargetCompleteWithAuc() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitTargetComplete(TARGET, TARGET_STATUS, MODELS, AUC);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitRunComplete() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitRunComplete(RUN_STATUS);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean emitError() {
        DefaultTrainingEventEmitter e = emitter;
        long allocated = allocation.start();
        for (int i = 0; i < BURST; i++) {
            e.emitError(ERROR_MESSAGE, ERROR_TYPE, RECOVERABLE);
        }
        boolean flushed = e.flush();
        allocation.end(allocated, BURST);
        return flushed;
    }
}
