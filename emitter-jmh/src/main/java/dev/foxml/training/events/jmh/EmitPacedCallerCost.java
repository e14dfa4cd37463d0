package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * What a trainer that computes between its events pays for one asynchronous emit call: the call
 * alone is timed, one sample per call ({@code Mode.SampleTime}; read the percentiles
 * {@code p0.50}, {@code p0.99}, {@code p0.999} in the output), the trainer pausing
 * {@link #pauseNanos} between calls outside the measured time.
 *
 * <p>Why paced: a trainer emits one event per step or epoch, not bursts. Between two paced events
 * the writer thread has delivered everything and gone idle, so each call may find it parked and
 * pay for waking it, which {@link EmitCallerCost} (bursts into an empty queue) never sees.
 *
 * <p>How the pause is spent (a trainer computing, then emitting): pauses under
 * {@value #PARK_FROM_NANOS} ns are a busy loop reading {@code System.nanoTime()} (the trainer's
 * thread keeps its CPU, as a computing trainer does). Longer pauses (100 ms, 1 s) park the thread
 * and spin only the last {@value #SPIN_TAIL_NANOS} ns: a busy second per call would cost a whole
 * CPU per trainer thread, on a machine of two, for the whole run, and starve the writer and the
 * reader; the spun tail still brings the trainer's thread back onto a CPU before the call, as a
 * computing trainer would be. {@code -p waiting=spin} spins every pause instead (a CPU-bound
 * trainer; with four threads on two CPUs the writer then competes for CPU time).
 *
 * <p>{@code pauseNanos=0} is back to back: bursts of {@value SocketEmitterState#BURST} calls per
 * thread, and between bursts (outside the timing) {@code flush()} waits until the writer has
 * delivered everything. A tight loop without that would measure the writer, not the call: the
 * queue would fill and the calls would wait for room (or drop after their bound, which fails the
 * run).
 *
 * <p>The emit path is compiled before the first iteration (a warm-up of
 * {@value #WARM_UP_EVENTS} back-to-back events, not measured): at 1 s pacing the few warm-up
 * calls JMH makes would otherwise leave the emit path interpreted, and the figure would be the
 * interpreter's rather than the writer's wake-up.
 *
 * <p>Each sample includes JMH's two {@code System.nanoTime()} reads around the call (~35 ns
 * each on {@code kvm-clock}). The emitting threads' allocation is measured around every measured
 * call, outside the timing, and printed at the end of the trial ({@code [allocation]} line: the
 * calling threads must show 0 B/event). Between those two readings JMH also records the sample:
 * its {@code SampleBuffer} allocates a 4 KiB bucket array the first time an iteration's sample
 * falls into a new range, on the calling thread. A call whose reading is a whole number of such
 * arrays is counted as JMH's (printed apart, {@code [allocation] ... JMH's sample buffer}), not as
 * the emit's; with few samples per iteration (1 s pacing) those arrays would otherwise read as
 * kilobytes per event. The run fails if any event was lost or went to the fallback file.
 *
 * <p>Default run, about 45 s per (pause, thread count): the 100 ms and 1 s rows then rest on
 * ~400 and ~40 samples per thread; for their tails, run them longer
 * ({@code -p pauseNanos=100000000,1000000000 -i 10 -r 60s}, ~11 min per row and thread count).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 4, time = 10)
@Fork(value = 1, jvmArgsAppend = "-XX:Tier0BackedgeNotifyFreqLog=0")
public abstract class EmitPacedCallerCost extends SocketEmitterState {
    static final long PARK_FROM_NANOS = 10_000_000L;
    static final long SPIN_TAIL_NANOS = 500_000L;
    static final int WARM_UP_EVENTS = 50 * BURST;
    /** The pause of warm-up iterations (see {@link Trainer#computeBetweenEvents()}). */
    static final long WARM_UP_PAUSE_NANOS = 10_000L;
    /** The warm-up calls (per thread) that pause for the whole {@link #pauseNanos} instead. */
    static final long FULL_PAUSE_AT_WARM_UP_CALL = 2_000L;
    /** In the emit path's warm-up, every this many bursts the writer is left to fall into its deep sleep first. */
    static final int DEEP_SLEEP_EVERY_BURSTS = 5;
    static final long DEEP_SLEEP_NANOS = 8_000_000L;
    /** Events at the measured pace before the first measured call (see {@link #settleRhythm()}). */
    static final int RHYTHM_EVENTS = 5;

    /** The trainer's pause between two emit calls, in nanoseconds: 0 is back to back. */
    @Param({"0", "10000", "100000", "1000000", "100000000", "1000000000"})
    public long pauseNanos;

    /**
     * {@code auto}: spin the short pauses, park the long ones (see the class comment);
     * {@code spin}: spin every pause.
     */
    @Param({"auto"})
    public String waiting;

    /** The trial's allocation split, for the emitting threads' per-invocation bookkeeping. */
    static volatile AllocationSplit currentAllocation;
    static volatile DefaultTrainingEventEmitter currentEmitter;
    static volatile long currentPause;
    static volatile boolean currentSpinOnly;
    static volatile boolean currentWarmUp;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** What one of JMH's {@code SampleBuffer} bucket arrays ({@code new int[1024]}) takes on this JVM. */
    static final long SAMPLE_BUCKET_BYTES = bucketBytes();
    /** This trial's bytes attributed to JMH's sample buffer (see the class comment). */
    static final LongAdder HARNESS_BYTES = new LongAdder();
    /** This trial's measured calls that allocated anything (JMH's arrays apart), and the most one did. */
    static final LongAdder ALLOCATING_CALLS = new LongAdder();
    static final AtomicLong MOST_IN_ONE_CALL = new AtomicLong();
    static volatile int[] bucketSink;

    private static long bucketBytes() {
        THREADS.setThreadAllocatedMemoryEnabled(true);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        bucketSink = new int[1024];
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * After the trial: which calls allocated, and what was left out of the emitting threads'
     * figure as JMH's own.
     *
     * @param params names the benchmark in the printed line
     */
    @TearDown(Level.Trial)
    public void printHarnessAllocation(BenchmarkParams params) {
        long emitted = emitter.stats().emitted() - emittedAtMeasurement;
        if (wakeUpsAtMeasurement >= 0 && emitted > 0) {
            System.out.printf("%n[wake-ups] %s, measured iterations: %d of %d emits paid a wake-up of the writer"
                            + " (an unpark on the trainer's thread)%n", params.getBenchmark(),
                    emitWakeUps(emitter) - wakeUpsAtMeasurement, emitted);
        }
        System.out.printf("%n[allocation] %s, measured iterations: %d calls allocated, at most %d B in one call"
                        + " (a full ring spills into the overflow, which allocates); JMH's sample buffer on the"
                        + " emitting threads %d B (whole %d B bucket arrays, left out of the emitting threads' figure)%n",
                params.getBenchmark(), ALLOCATING_CALLS.sumThenReset(), MOST_IN_ONE_CALL.getAndSet(0),
                HARNESS_BYTES.sumThenReset(), SAMPLE_BUCKET_BYTES);
    }

    private boolean warmedUp;
    private long wakeUpsAtMeasurement = -1;
    private long emittedAtMeasurement;

    /**
     * How many emits paid an unpark of the writer so far: the queue's own count, read by
     * reflection (the emitter does not publish it).
     */
    static long emitWakeUps(DefaultTrainingEventEmitter emitter) {
        try {
            java.lang.reflect.Field sink = DefaultTrainingEventEmitter.class.getDeclaredField("sink");
            sink.setAccessible(true);
            return ((dev.foxml.training.events.core.queue.EventQueue) sink.get(emitter)).emitWakeUps();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the emitter's queue", e);
        }
    }

    /**
     * Before each iteration: publishes the trial's emitter and parameters to the trainer threads;
     * once, before the first, compiles the emit path and waits until everything is delivered.
     */
    @Setup(Level.Iteration)
    public void warmUpEmitPath(IterationParams iteration) {
        if (!"auto".equals(waiting) && !"spin".equals(waiting)) {
            throw new IllegalArgumentException("-p waiting=" + waiting + ": use auto or spin");
        }
        currentAllocation = allocation;
        currentEmitter = emitter;
        currentPause = pauseNanos;
        currentSpinOnly = "spin".equals(waiting);
        currentWarmUp = iteration.getType() == IterationType.WARMUP;
        if (!currentWarmUp && wakeUpsAtMeasurement < 0) {
            settleRhythm();
            wakeUpsAtMeasurement = emitWakeUps(emitter);
            emittedAtMeasurement = emitter.stats().emitted();
        }
        if (warmedUp) {
            return;
        }
        warmedUp = true;
        DefaultTrainingEventEmitter e = emitter;
        for (int i = 0; i < WARM_UP_EVENTS; i++) {
            e.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, i, THROUGHPUT, null);
            if (i % BURST == BURST - 1) {
                if (!e.flush()) {
                    throw new IllegalStateException("flush() timed out: " + e.stats());
                }
                if ((i / BURST) % DEEP_SLEEP_EVERY_BURSTS == 0) {
                    // The next emit then wakes a deeply sleeping writer, as at 100 ms and 1 s
                    // pacing: compiled with that path, not deoptimized at the first such call.
                    LockSupport.parkNanos(DEEP_SLEEP_NANOS);
                }
            }
        }
        if (!e.flush()) {
            throw new IllegalStateException("flush() timed out: " + e.stats());
        }
    }

    /**
     * Before the first measured call: a few events at the measured pace, not measured. The warm-up
     * iterations pace at 10 µs, and the writer expects the next event after the shortest of the
     * last few gaps it saw; without this the first measured events at 100 ms or 1 s would find it
     * asleep, as a trainer's first events after changing its pace do, and in the sparse rows those
     * few would be a large share of the samples.
     */
    private void settleRhythm() {
        if (pauseNanos == 0) {
            return;
        }
        DefaultTrainingEventEmitter e = emitter;
        for (int i = 0; i < RHYTHM_EVENTS; i++) {
            pause(pauseNanos, currentSpinOnly);
            e.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, -1, THROUGHPUT, null);
        }
    }

    /** A trainer computing (spinning), or for long pauses parking and spinning the end (see the class comment). */
    static void pause(long pause, boolean spinOnly) {
        long deadline = System.nanoTime() + pause;
        if (!spinOnly && pause >= PARK_FROM_NANOS) {
            long sleep;
            while ((sleep = deadline - SPIN_TAIL_NANOS - System.nanoTime()) > 0) {
                LockSupport.parkNanos(sleep);
            }
        }
        while (System.nanoTime() - deadline < 0) {
            // the trainer computing
        }
    }

    /**
     * One trainer thread: its pause before each call, and the allocation of its calls, both
     * outside the measured time. Per thread, so that the threads do not take turns in it.
     */
    @State(Scope.Thread)
    public static class Trainer {
        /** The training step, written on each event; counts this thread's calls. */
        long step;
        private long warmUpCalls;
        private long allocatedAtStart = -1;

        /**
         * Not measured: the trainer computes (or waits) for the pause, then calls emit.
         *
         * <p>Warm-up iterations pause {@value #WARM_UP_PAUSE_NANOS} ns (the long pauses only once
         * per thread, so that both ways of pausing are compiled): JMH's own loop around the call
         * runs once per pause, and at 1 ms or more per call it would stay interpreted for the
         * whole run (compiled loops need tens of thousands of iterations), adding ~1 µs to every
         * sample, the empty {@link #control} call as much as the emit. The fork's
         * {@code -XX:Tier0BackedgeNotifyFreqLog=0} lets each measurement iteration's loop enter
         * that compiled code at its first turn.
         */
        @Setup(Level.Invocation)
        public void computeBetweenEvents() {
            long pause = currentPause;
            if (currentWarmUp && ++warmUpCalls != FULL_PAUSE_AT_WARM_UP_CALL) {
                pause = Math.min(pause, WARM_UP_PAUSE_NANOS);
            }
            if (pause == 0) {
                if (step % BURST == 0 && step > 0) {
                    DefaultTrainingEventEmitter e = currentEmitter;
                    if (!e.flush()) {
                        throw new IllegalStateException("flush() timed out: " + e.stats());
                    }
                }
            } else {
                pause(pause, currentSpinOnly);
            }
            allocatedAtStart = currentAllocation.start();
        }

        /** Not measured: the call's allocation on this thread (JMH's sample buffer apart). */
        @TearDown(Level.Invocation)
        public void countAllocation() {
            long start = allocatedAtStart;
            if (start >= 0) {
                long delta = THREADS.getCurrentThreadAllocatedBytes() - start;
                long harness = delta > 0 && delta % SAMPLE_BUCKET_BYTES == 0 ? delta : 0;
                // Counted first: adding to a contended LongAdder may allocate its cells.
                currentAllocation.end(start + harness, 1);
                if (harness != 0) {
                    HARNESS_BYTES.add(harness);
                } else if (delta > 0) {
                    ALLOCATING_CALLS.increment();
                    MOST_IN_ONE_CALL.accumulateAndGet(delta, Math::max);
                }
            } else {
                currentAllocation.end(start, 1);
            }
        }
    }

    /**
     * One emit call: a training loop's progress (epoch, step, throughput), as a trainer sends per step.
     *
     * @param trainer the calling thread's pacing and step
     */
    @Benchmark
    public void emitProgress(Trainer trainer) {
        emitter.emitProgress(STAGE, PCT, null, 0, 0, EPOCH, trainer.step++, THROUGHPUT, null);
    }

    /**
     * The harness alone at the same pacing: the same pause, clock reads and bookkeeping around an
     * empty call. What a call costs above this row is the emit's.
     *
     * @param trainer the calling thread's pacing and step
     * @return the step, so the call is not optimized away
     */
    @Benchmark
    public long control(Trainer trainer) {
        return trainer.step++;
    }
}
