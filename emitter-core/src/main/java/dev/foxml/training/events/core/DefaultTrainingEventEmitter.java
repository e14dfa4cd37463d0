package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.FailoverDelivery;
import dev.foxml.training.events.core.delivery.FileTransport;
import dev.foxml.training.events.core.encode.ArgumentProblems;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;
import dev.foxml.training.events.core.queue.ProducerLock;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.EmitterIds;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import dev.foxml.training.events.core.support.Uninterruptibly;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The emitter of {@code emitter-core}: emit calls put the event into a preallocated ring and
 * return; one daemon writer thread encodes whatever is queued into one batch and writes it in
 * one system call to the bridge's Unix socket, or, when there is none, appends it to the file.
 *
 * <p>What a trainer can rely on:
 * <ul>
 *   <li>No emit call throws (unless {@code strict} mode was asked for) and none waits longer
 *       than {@code maxEmitBlock} (20 ms by default, 50 ms at most). A full queue spills into a
 *       bounded overflow that keeps emit order; only when that is full too does an emit call
 *       wait, and after {@code maxEmitBlock} the event is dropped and counted.</li>
 *   <li>Every line carries {@code seq}, 1, 2, 3, ... in emit order, and this emitter's random
 *       {@code emitter_id}: {@code (emitter_id, seq)} identifies a line. Lines the socket may have
 *       taken without the reader reading them are written to the file when the socket fails;
 *       such duplicates carry the same {@code emitter_id} and {@code seq}.</li>
 *   <li>The writer is a daemon; a shutdown hook delivers what is queued (within
 *       {@code closeTimeout}) and reports a run that never completed as {@code cancelled}.
 *       A {@code run_complete} emitted by the trainer's own shutdown hook wins: while none is
 *       queued, the emitter's hook waits up to 500 ms (at most {@code closeTimeout}) for one
 *       before it writes {@code cancelled}, and keeps accepting events meanwhile.</li>
 *   <li>An interrupted thread loses nothing: its emit calls, {@code flush()} and
 *       {@code close()} wait as long as anyone's (within the same bounds), deliver everything,
 *       and leave its interrupt flag set. In synchronous mode its interrupt never closes the
 *       socket or the file for later events.</li>
 * </ul>
 * Create one with {@link #builder(String)}, or through {@code TrainingEvents.init(runId)}.
 */
public final class DefaultTrainingEventEmitter implements TrainingEventEmitter {
    private static final int BATCH_BYTES = 64 * 1024;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long FULL_QUEUE_PARK_NANOS = 50_000;
    private static final long IDLE_SPIN_NANOS = 5_000;
    private static final long CLOCK_RESYNC_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final AtomicInteger WRITER_NUMBER = new AtomicInteger();
    /**
     * How long the shutdown hook waits for a run_complete from the trainer's own shutdown hooks
     * before it reports a run that never completed as cancelled (at most closeTimeout).
     */
    static final long SHUTDOWN_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long SHUTDOWN_GRACE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EmitterConfig config;
    private final String emitterId;
    private final Counters counters = new Counters();
    private final RateLimitedLog log;
    private final MicrosClock clock = new MicrosClock();
    private final FailoverDelivery delivery;

    private final EventSlot[] slots;
    private final int mask;
    private final long maxEmitBlockNanos;
    private final ProducerLock producerLock = new ProducerLock();
    /** Guarded by producerLock. */
    private long nextSeq = 1;
    /** Guarded by producerLock: slots filled so far. */
    private long tail;
    /** Slots the writer may read. */
    private volatile long published;
    /** Slots the writer has encoded: free for reuse. */
    private volatile long consumed;
    /** Guarded by producerLock: the seq of the last event queued (ring or overflow). */
    private long lastQueuedSeq;
    /** The seq of the last event the writer has delivered (or counted as lost): what flush() waits for. */
    private volatile long deliveredSeq;
    /**
     * Guarded by producerLock: events emitted while the ring was full, in emit order. Once it holds
     * anything, new events queue behind it (not in the ring), so that the writer, which drains the
     * ring first and then this, delivers every event in emit order.
     */
    private final ArrayDeque<EventSlot> overflow = new ArrayDeque<>();
    private final int overflowCapacity;
    private volatile int overflowSize;

    /** Used under producerLock by synchronous emits. */
    private final BatchBuffer callerBatch;
    private final EventEncoder callerEncoder;
    private final EventSlot callerSlot = new EventSlot();

    private final Thread writer;
    private final BatchBuffer writerBatch;
    private final EventEncoder writerEncoder;
    private final EventSlot[] writerOverflowBatch;
    private volatile boolean writerParked;
    private volatile boolean stopping;

    private final Object flushMonitor = new Object();
    private final AtomicInteger flushWaiters = new AtomicInteger();
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private volatile boolean runCompleted;
    /** The thread emitting close()'s final run_complete, the one emit allowed once closed. */
    private volatile Thread closingThread;
    private final Thread shutdownHook;
    private final Thread heartbeat;
    /** Guarded by producerLock: when the last event was emitted, for the heartbeat. */
    private long lastEmitMicros;
    private static final int MAX_METRICS = 64;

    /**
     * Starts configuring an emitter for the run {@code runId}.
     *
     * @param runId the run id written on every line
     * @return a builder; {@link TrainingEventEmitterBuilder#build()} validates and starts the emitter
     */
    public static TrainingEventEmitterBuilder builder(String runId) {
        return new TrainingEventEmitterBuilder(runId);
    }

    DefaultTrainingEventEmitter(EmitterConfig config) {
        this(config, new FileTransport(config.filePath()));
    }

    /** For tests that need a fault no real file can produce (a {@code Throwable} in the writer). */
    DefaultTrainingEventEmitter(EmitterConfig config, FileTransport file) {
        this.config = config;
        this.log = new RateLimitedLog(config.warningInterval().toNanos());
        RateLimitedLog deliveryLog = log.named(LogOutput.DELIVERY);
        warnIfFileDirectoryMissing(config, deliveryLog);
        this.delivery = FailoverDelivery.forConfig(config, file, counters, deliveryLog);
        this.maxEmitBlockNanos = config.maxEmitBlock().toNanos();
        this.overflowCapacity = config.overflowCapacity();
        this.callerBatch = new BatchBuffer(4096);
        this.emitterId = EmitterIds.random();
        RunInfo runInfo = new RunInfo(clock.nowMicros(), config.tags(), config.params(), emitterId);
        this.callerEncoder = new EventEncoder(config.runId(), config.worker(), runInfo, config.maxStringChars(), callerBatch);
        int runIdProblems = ArgumentProblems.required(config.runId(), config.maxStringChars())
                | ArgumentProblems.characters(config.runId())
                | (config.worker() == null ? 0 : ArgumentProblems.required(config.worker(), config.maxStringChars())
                        | ArgumentProblems.characters(config.worker()))
                | callerEncoder.tagProblems() | callerEncoder.paramProblems();
        if (runIdProblems != 0) {
            counters.invalidArguments.incrementAndGet();
            log.warn("run-id", "the run id, worker id, tags or params have problems ("
                    + ArgumentProblems.describe(runIdProblems) + "); they are written escaped, repaired or cut");
        }
        if (config.synchronous()) {
            slots = null;
            mask = 0;
            writer = null;
            writerBatch = null;
            writerEncoder = null;
            writerOverflowBatch = null;
        } else {
            slots = new EventSlot[config.queueCapacity()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new EventSlot();
            }
            mask = slots.length - 1;
            writerBatch = new BatchBuffer(BATCH_BYTES * 2);
            writerEncoder = new EventEncoder(config.runId(), config.worker(), runInfo, config.maxStringChars(), writerBatch);
            writerOverflowBatch = new EventSlot[1024];
            writer = new Thread(this::runWriter, "foxml-training-events-writer-" + WRITER_NUMBER.incrementAndGet());
            writer.setDaemon(true);
            writer.start();
        }
        Thread hook = null;
        if (config.shutdownHook()) {
            hook = new Thread(this::closeAtShutdown, "foxml-training-events-shutdown");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                hook = null;
            }
        }
        this.shutdownHook = hook;
        if (config.runStartEvent()) {
            emit(EventType.RUN_START, null, null, 0.0, 0, 0, false, 0);
        }
        if (config.heartbeatInterval() != null) {
            heartbeat = new Thread(this::runHeartbeat, "foxml-training-events-heartbeat-" + WRITER_NUMBER.get());
            heartbeat.setDaemon(true);
            heartbeat.start();
        } else {
            heartbeat = null;
        }
    }

    /**
     * The builder refuses a configuration where neither the file's nor the socket's directory
     * exists; with only the file's missing, events reach a listening bridge and the rest is lost.
     */
    private static void warnIfFileDirectoryMissing(EmitterConfig config, RateLimitedLog deliveryLog) {
        java.nio.file.Path dir = config.filePath().getParent();
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            deliveryLog.warnOnce("the directory " + dir + " of the event file does not exist (the emitter creates"
                    + " none): events reach the socket " + config.socketPath() + " while a bridge listens there,"
                    + " and are dropped (counted in stats().droppedUnwritable()) while none does; create the"
                    + " directory or choose another event file (" + TrainingEventEmitterBuilder.FILE_ENV + ")");
        }
    }

    @Override
    public String runId() {
        return config.runId();
    }

    /**
     * This emitter's id, written as {@code emitter_id} on every line: 64 random bits drawn when
     * the emitter was created, as 16 lowercase hex characters. Two emitters of one run (two
     * {@code init} calls, a job retried in a new JVM) have different ids, so that readers can
     * de-duplicate lines by {@code (emitter_id, seq)} without losing either emitter's lines.
     *
     * @return the id, e.g. {@code "9f3a0c27d41b6e85"}
     */
    public String emitterId() {
        return emitterId;
    }

    /** Where events go and how: for diagnostics and the README's "where did my events go?". */
    @Override
    public String toString() {
        return "DefaultTrainingEventEmitter[run=" + config.runId() + ", " + config + "]";
    }

    @Override
    public void emitProgress(String stage, double progressPct) {
        emitProgress(stage, progressPct, null, 0, 0);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget,
                             int targetsComplete, int targetsTotal) {
        // Straight to emit, not through the metrics overload: the shortest call chain for the
        // hot path (measured: ~10 ns more per call through the extra levels).
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
        emit(EventType.PROGRESS, stage, currentTarget, progressPct, targetsComplete, targetsTotal, false, problems);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, Map<String, ? extends Number> metrics) {
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
        emitWithMetrics(EventType.PROGRESS, stage, currentTarget, progressPct, targetsComplete, targetsTotal,
                problems, metrics);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, long epoch, long step, double throughput,
                             Map<String, ? extends Number> metrics) {
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal)
                | ArgumentProblems.optionalCount(epoch) | ArgumentProblems.optionalCount(step)
                | ArgumentProblems.rate(throughput);
        emitWithMetrics(EventType.PROGRESS, stage, currentTarget, progressPct, targetsComplete, targetsTotal,
                false, epoch, step, throughput, problems, metrics);
    }

    @Override
    public void emitProgressWithItemCount(String stage, double progressPct, String currentTarget,
                                          int targetsComplete, int targetsTotal, long epoch, long step,
                                          long itemsProcessed, Map<String, ? extends Number> metrics) {
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal)
                | ArgumentProblems.optionalCount(epoch) | ArgumentProblems.optionalCount(step)
                | ArgumentProblems.optionalCount(itemsProcessed);
        // The writer turns the count into items per second, in seq order (see EventEncoder).
        double items = itemsProcessed < 0 ? Double.NaN : (double) itemsProcessed;
        emitWithMetrics(EventType.PROGRESS, stage, currentTarget, progressPct, targetsComplete, targetsTotal,
                true, epoch, step, items, problems, metrics);
    }

    private int progressProblems(String stage, double progressPct, String currentTarget, int targetsComplete,
                                 int targetsTotal) {
        int max = config.maxStringChars();
        return ArgumentProblems.required(stage, max) | ArgumentProblems.percent(progressPct)
                | ArgumentProblems.optional(currentTarget, max)
                | ArgumentProblems.counts(targetsComplete, targetsTotal);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc,
                                   Map<String, ? extends Number> metrics) {
        emitWithMetrics(EventType.TARGET_COMPLETE, target, wireName(status), bestAuc, modelsTrained, 0,
                targetProblems(target, status, modelsTrained, bestAuc), metrics);
    }

    private int targetProblems(String target, TargetStatus status, int modelsTrained, double bestAuc) {
        return ArgumentProblems.required(target, config.maxStringChars())
                | ArgumentProblems.count(modelsTrained) | ArgumentProblems.optionalNumber(bestAuc)
                | (status == null ? ArgumentProblems.NULL_STATUS : 0);
    }

    /** A null status is written as failed (and counted as a problem by targetProblems). */
    private static String wireName(TargetStatus status) {
        return status == null ? TargetStatus.FAILED.wireName() : status.wireName();
    }

    /**
     * Emits with the caller's metrics, copied (the caller may reuse its map). Without metrics,
     * the common case, nothing is copied or allocated; a map another thread changes meanwhile
     * costs the metrics, not the event.
     */
    private void emitWithMetrics(int type, String s1, String s2, double d1, int i1, int i2, int problems,
                                 Map<String, ? extends Number> metrics) {
        emitWithMetrics(type, s1, s2, d1, i1, i2, false, -1, -1, Double.NaN, problems, metrics);
    }

    private void emitWithMetrics(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1,
                                 long l2, double d2, int problems, Map<String, ? extends Number> metrics) {
        if (metrics == null || metrics.isEmpty()) {
            emit(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, problems, null, null);
            return;
        }
        String[] names;
        double[] values;
        try {
            int n = Math.min(metrics.size(), MAX_METRICS);
            if (metrics.size() > MAX_METRICS) {
                problems |= ArgumentProblems.TOO_LONG;
            }
            names = new String[n];
            values = new double[n];
            int i = 0;
            for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
                if (i == n) {
                    break;
                }
                Number v = e.getValue();
                names[i] = e.getKey();
                values[i] = v == null ? Double.NaN : v.doubleValue();
                if (Double.isNaN(values[i]) || Double.isInfinite(values[i])) {
                    problems |= ArgumentProblems.NOT_FINITE;
                }
                i++;
            }
            if (i < n) {
                names = java.util.Arrays.copyOf(names, i);
                values = java.util.Arrays.copyOf(values, i);
            }
        } catch (RuntimeException concurrentlyModified) {
            names = null;
            values = null;
            problems |= ArgumentProblems.NULL_STRING;
        }
        emit(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, problems, names, values);
    }

    @Override
    public void emitStageChange(String previousStage, String newStage) {
        int max = config.maxStringChars();
        int problems = ArgumentProblems.optional(previousStage, max) | ArgumentProblems.required(newStage, max);
        emit(EventType.STAGE_CHANGE, previousStage, newStage, 0.0, 0, 0, false, problems);
    }

    @Override
    public void emitStageChange(String newStage) {
        // The previous stage is filled in where events are encoded, one at a time in seq order:
        // the stage as of this event, whichever thread emitted the events before it.
        int problems = ArgumentProblems.required(newStage, config.maxStringChars());
        emit(EventType.STAGE_CHANGE, null, newStage, 0.0, 0, 0, true, problems);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status) {
        emitTargetComplete(target, status, 0, Double.NaN);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc) {
        emit(EventType.TARGET_COMPLETE, target, wireName(status), bestAuc, modelsTrained, 0, false,
                targetProblems(target, status, modelsTrained, bestAuc));
    }

    @Override
    public void emitRunComplete(RunStatus status) {
        int problems = status == null ? ArgumentProblems.NULL_STATUS : 0;
        String wireStatus = status == null ? RunStatus.FAILED.wireName() : status.wireName();
        emit(EventType.RUN_COMPLETE, wireStatus, null, 0.0, 0, 0, false, problems);
    }

    @Override
    public void emitError(String errorMessage, String errorType, boolean recoverable) {
        int max = config.maxStringChars();
        int problems = ArgumentProblems.required(errorMessage, max) | ArgumentProblems.required(errorType, max);
        emit(EventType.ERROR, errorMessage, errorType, 0.0, 0, 0, recoverable, problems);
    }

    /** Strict mode's check, on the caller's thread; otherwise problems are repaired and counted later. */
    private void checkStrict(String s1, String s2, int problems) {
        problems |= ArgumentProblems.characters(s1) | ArgumentProblems.characters(s2);
        if (problems != 0) {
            throw new IllegalArgumentException("invalid training event arguments: "
                    + ArgumentProblems.describe(problems));
        }
    }

    private void emit(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, int problems) {
        emit(type, s1, s2, d1, i1, i2, b1, -1, -1, Double.NaN, problems, null, null);
    }

    private void emit(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1, long l2,
                      double d2, int problems, String[] metricNames, double[] metricValues) {
        if (config.strict()) {
            checkStrict(s1, s2, problems);
        }
        try {
            if (closed && Thread.currentThread() != closingThread) {
                counters.droppedClosed.incrementAndGet();
                return;
            }
            if (type == EventType.RUN_COMPLETE && runCompleted) {
                // Checked again under the lock, for two run_completes racing.
                dropExtraRunComplete();
                return;
            }
            long now = clock.nowMicros();
            if (slots == null) {
                emitSynchronously(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, problems, metricNames, metricValues);
            } else {
                enqueue(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, problems, metricNames, metricValues);
            }
        } catch (RuntimeException | Error unexpected) {
            // A bug of ours must cost an event, never the training run.
            counters.droppedUnwritable.incrementAndGet();
            log.warn("internal", "a training event was lost to an internal error: " + unexpected);
        }
    }

    private static final int QUEUED = 0;
    private static final int CLOSED = 1;
    private static final int RING_FULL = 2;
    private static final int EXTRA_RUN_COMPLETE = 3;

    /**
     * A run_complete after the first: the first one wins (a trainer's own
     * {@code emitRunComplete(FAILED)} inside a run scope that then reports success), so the
     * stream ends with the status that was reported first. Counted and warned once; no seq used.
     */
    private void dropExtraRunComplete() {
        counters.droppedExtraRunComplete.incrementAndGet();
        log.warnOnce("a run_complete was emitted after the run had completed and was not written:"
                + " an emitter writes one run_complete, the first (see stats().droppedExtraRunComplete())");
    }

    /**
     * The hot path, kept small so that the JIT inlines it into the emit methods: one lock, the
     * slot, the wake-up of a sleeping writer. A full ring goes the long way ({@link #enqueueSlowly}).
     */
    private void enqueue(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1, long l2,
                         double d2, long now, int problems, String[] metricNames, double[] metricValues) {
        int outcome;
        producerLock.lock();
        try {
            outcome = putInRing(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, problems, metricNames, metricValues);
        } finally {
            producerLock.unlock();
        }
        boolean queued = outcome == QUEUED || (outcome == RING_FULL
                && enqueueSlowly(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, problems, metricNames, metricValues));
        if (queued && writerParked) {
            LockSupport.unpark(writer);
        }
    }

    /** Under producerLock: the event into the next free slot, unless the ring is full or the emitter closed. */
    private int putInRing(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1, long l2,
                          double d2, long now, int problems, String[] metricNames, double[] metricValues) {
        if (closed && Thread.currentThread() != closingThread) {
            // close() ran since the check in emit(): nothing may follow its run_complete.
            counters.droppedClosed.incrementAndGet();
            return CLOSED;
        }
        if (type == EventType.RUN_COMPLETE && runCompleted) {
            dropExtraRunComplete();
            return EXTRA_RUN_COMPLETE;
        }
        long t = tail;
        if (t - consumed >= slots.length || overflowSize != 0) {
            return RING_FULL;
        }
        EventSlot slot = slots[(int) t & mask];
        slot.set(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, nextSeq, problems, metricNames, metricValues);
        queued(type, now);
        tail = t + 1;
        published = t + 1;
        return QUEUED;
    }

    /** Under producerLock, for the event just given {@code nextSeq}: what close(), flush() and the heartbeat go by. */
    private void queued(int type, long now) {
        lastQueuedSeq = nextSeq++;
        lastEmitMicros = now;
        if (type == EventType.RUN_COMPLETE && !runCompleted) {
            runCompleted = true;
        }
    }

    /**
     * The ring was full: the overflow (which keeps emit order) takes the event, or, when that is
     * full too, the call waits for room within maxEmitBlock and then drops the event, counted.
     *
     * @return whether the event was queued (not dropped: queues full, the emitter closed, or a
     *     run_complete after the first)
     */
    private boolean enqueueSlowly(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1,
                                  long l2, double d2, long now, int problems, String[] metricNames,
                                  double[] metricValues) {
        long deadline = 0;
        while (true) {
            producerLock.lock();
            try {
                int outcome = putInRing(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, problems, metricNames,
                        metricValues);
                if (outcome != RING_FULL) {
                    return outcome == QUEUED;
                }
                if (overflow.size() < overflowCapacity) {
                    // Rare (a writer starved of CPU, a slow disk): costs an allocation, not a wait.
                    EventSlot extra = new EventSlot();
                    extra.set(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, nextSeq, problems, metricNames,
                            metricValues);
                    queued(type, now);
                    overflow.addLast(extra);
                    overflowSize = overflow.size();
                    return true;
                }
                long clock = System.nanoTime();
                if (deadline == 0) {
                    deadline = clock + maxEmitBlockNanos;
                } else if (clock - deadline >= 0) {
                    // The seq is used up, so a reader sees the gap as well as the counter.
                    nextSeq++;
                    counters.droppedQueueFull.incrementAndGet();
                    log.warn("queue-full", "the event queue (" + slots.length + " + " + overflowCapacity
                            + " overflow) stayed full for " + config.maxEmitBlock().toMillis()
                            + " ms; an event was dropped (see stats().droppedQueueFull())");
                    return false;
                }
            } finally {
                producerLock.unlock();
            }
            // Both queues are full: give the writer a moment, within maxEmitBlock (also when
            // the caller is interrupted: its event waits as long as anyone's).
            LockSupport.unpark(writer);
            Uninterruptibly.parkNanos(this, FULL_QUEUE_PARK_NANOS);
        }
    }

    private void emitSynchronously(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1,
                                   long l2, double d2, long now, int problems, String[] metricNames,
                                   double[] metricValues) {
        producerLock.lock();
        try {
            if (closed && Thread.currentThread() != closingThread) {
                counters.droppedClosed.incrementAndGet();
                return;
            }
            if (type == EventType.RUN_COMPLETE && runCompleted) {
                dropExtraRunComplete();
                return;
            }
            callerSlot.set(type, s1, s2, d1, i1, i2, b1, l1, l2, d2, now, nextSeq, problems, metricNames,
                    metricValues);
            queued(type, now);
            callerBatch.clear();
            int found = callerEncoder.encode(callerSlot);
            callerSlot.clear();
            reportProblems(found);
            if (found != -1) {
                delivery.deliver(callerBatch);
            }
        } finally {
            producerLock.unlock();
        }
    }

    /**
     * Emits a heartbeat whenever nothing was emitted for the interval. The writer fills in the
     * stage, progress and target from the events before it, so the heartbeat repeats them.
     */
    private void runHeartbeat() {
        long intervalMicros = config.heartbeatInterval().toNanos() / 1000;
        // Not after run_complete: the bridge shows a run as running while its latest event is
        // anything else, so a heartbeat after it would bring a finished run back to life.
        while (!closed && !runCompleted) {
            long parkNanos;
            try {
                parkNanos = heartbeatOnce(intervalMicros);
            } catch (Throwable t) {
                // Like the writer: one bad moment must not end the heartbeat for the rest of the run.
                // Nothing to count: an event that was queued is counted by the writer as usual.
                log.warn("heartbeat", "the heartbeat hit an unexpected error and goes on ("
                        + LogOutput.cause(t) + ")");
                parkNanos = Math.max(1_000_000_000L, Math.min(intervalMicros * 1000, 60_000_000_000L));
            }
            LockSupport.parkNanos(this, parkNanos);
        }
    }

    /** Sends a heartbeat if the interval passed in silence; returns how long to wait before looking again. */
    private long heartbeatOnce(long intervalMicros) {
        long quietMicros;
        producerLock.lock();
        try {
            quietMicros = clock.nowMicros() - lastEmitMicros;
        } finally {
            producerLock.unlock();
        }
        if (quietMicros >= intervalMicros) {
            emit(EventType.HEARTBEAT, null, null, 0.0, 0, 0, false, 0);
            quietMicros = 0;
        }
        return Math.max(1_000_000L, (intervalMicros - quietMicros) * 1000);
    }

    private void reportProblems(int problems) {
        if (problems == 0) {
            return;
        }
        if (problems == -1) {
            counters.droppedUnwritable.incrementAndGet();
            log.warn("encode", "a training event could not be encoded and was dropped");
            return;
        }
        counters.invalidArguments.incrementAndGet();
        if (log.tryAcquire("invalid-arguments")) {
            log.log("invalid-arguments", "a training event had invalid arguments ("
                    + ArgumentProblems.describe(problems) + "); the line was written escaped, clamped or repaired");
        }
    }

    private void runWriter() {
        long lastResync = System.nanoTime();
        long lastTakenSeq = 0;
        boolean delivered = false;
        while (true) {
            try {
                long available = published;
                long start = consumed;
                writerBatch.clear();
                if (available != start) {
                    // The ring first: every event in it is older than any in the overflow.
                    long i = start;
                    while (i < available && writerBatch.size() < BATCH_BYTES) {
                        EventSlot slot = slots[(int) i & mask];
                        reportProblems(writerEncoder.encode(slot));
                        lastTakenSeq = slot.seq;
                        slot.clear();
                        i++;
                    }
                    consumed = i;
                } else if (overflowSize > 0) {
                    int taken = takeOverflow();
                    for (int k = 0; k < taken; k++) {
                        EventSlot slot = writerOverflowBatch[k];
                        writerOverflowBatch[k] = null;
                        reportProblems(writerEncoder.encode(slot));
                        lastTakenSeq = slot.seq;
                    }
                } else {
                    if (stopping) {
                        break;
                    }
                    long now = System.nanoTime();
                    if (now - lastResync >= CLOCK_RESYNC_NANOS) {
                        clock.resync();
                        lastResync = now;
                    }
                    delivery.maintain(now);
                    boolean justDelivered = delivered;
                    delivered = false;
                    if (justDelivered && workWithin(IDLE_SPIN_NANOS, now)) {
                        continue;
                    }
                    long park = delivery.parkNanos(now, IDLE_PARK_NANOS);
                    writerParked = true;
                    if (!hasWork()) {
                        LockSupport.parkNanos(this, park);
                    }
                    writerParked = false;
                    continue;
                }
                if (writerBatch.lines() > 0) {
                    delivery.deliver(writerBatch);
                }
                delivered = true;
                markDelivered(lastTakenSeq);
            } catch (Throwable t) {
                // One bad moment must not end delivery for the rest of the run (cf. dogstatsd #56).
                // The batch in hand is lost: counted, never silent.
                counters.droppedUnwritable.addAndGet(writerBatch.lines());
                markDelivered(lastTakenSeq);
                log.warn("writer", "the training event writer hit an unexpected error and goes on: " + t);
                if (t instanceof VirtualMachineError) {
                    LockSupport.parkNanos(1_000_000L);
                }
            }
        }
        delivery.close();
    }

    /**
     * Right after a batch, more events often follow within microseconds (a trainer logging a few
     * in a row, the next burst): a few microseconds of spinning spare the writer a park and the
     * emitting thread an unpark, a system call each. Measured (IdleLatencyBenchmark, 2-vCPU VM):
     * emit-to-reader p50 8 µs with 5 µs of spinning, 20 µs when the writer parks at once.
     */
    private boolean workWithin(long nanos, long from) {
        do {
            if (hasWork()) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - from < nanos);
        return false;
    }

    /** Whether the writer has something to do: events in the ring or the overflow, or stopping. */
    private boolean hasWork() {
        return published != consumed || overflowSize > 0 || stopping;
    }

    /** Moves the oldest overflow events (up to a batch) to the writer; the ring is empty now. */
    private int takeOverflow() {
        producerLock.lock();
        try {
            int n = 0;
            while (n < writerOverflowBatch.length && !overflow.isEmpty()) {
                writerOverflowBatch[n++] = overflow.pollFirst();
            }
            overflowSize = overflow.size();
            return n;
        } finally {
            producerLock.unlock();
        }
    }

    private void markDelivered(long seq) {
        deliveredSeq = seq;
        if (flushWaiters.get() > 0) {
            synchronized (flushMonitor) {
                flushMonitor.notifyAll();
            }
        }
    }

    @Override
    public boolean flush() {
        if (slots == null) {
            return true;
        }
        long target;
        producerLock.lock();
        try {
            target = lastQueuedSeq;
        } finally {
            producerLock.unlock();
        }
        if (deliveredSeq >= target) {
            return true;
        }
        long deadline = System.nanoTime() + config.flushTimeout().toNanos();
        // An interrupted caller (a cancelled task flushing before it ends) waits like any other,
        // within flushTimeout, and keeps its interrupt flag.
        boolean interrupted = false;
        flushWaiters.incrementAndGet();
        try {
            LockSupport.unpark(writer);
            synchronized (flushMonitor) {
                while (deliveredSeq < target) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0 || !writer.isAlive()) {
                        log.warn("flush-timeout", "flush() gave up after " + config.flushTimeout().toMillis()
                                + " ms with " + (target - deliveredSeq) + " events not yet written");
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(flushMonitor, remaining);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            flushWaiters.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            // Under producerLock, so that no emit racing with close (a trainer thread still
            // running while the shutdown hook runs) can land after the final run_complete:
            // emits check `closed` under the same lock, and from here on only this thread's
            // pass. Whether a run_complete was queued is read under it too (queued() sets it).
            boolean completed;
            producerLock.lock();
            try {
                closed = true;
                closingThread = Thread.currentThread();
                completed = runCompleted;
            } finally {
                producerLock.unlock();
            }
            try {
                if (!completed) {
                    // A run that ends without saying how would be shown as running forever.
                    emit(EventType.RUN_COMPLETE, RunStatus.CANCELLED.wireName(), null, 0.0, 0, 0, false, 0);
                }
            } finally {
                closingThread = null;
            }
        }
        if (heartbeat != null) {
            LockSupport.unpark(heartbeat);
        }
        try {
            if (writer != null) {
                stopping = true;
                LockSupport.unpark(writer);
                long waitMillis = Math.max(1, config.closeTimeout().toMillis());
                // Also when the closing thread is interrupted (a task cancelled, then shut down
                // as main returns): the writer is a daemon, so what it has not written when
                // close() returns may die with the JVM.
                if (!Uninterruptibly.join(writer, TimeUnit.MILLISECONDS.toNanos(waitMillis))) {
                    log.warn("close-timeout", "close() gave up after " + waitMillis
                            + " ms with events not yet written; the writer goes on in the background");
                }
            } else {
                producerLock.lock();
                try {
                    delivery.close();
                } finally {
                    producerLock.unlock();
                }
            }
        } catch (RuntimeException | Error e) {
            log.warn("close", "closing the training event emitter failed: " + e);
        }
        removeShutdownHook();
    }

    /**
     * The JVM shutdown hook. The JVM starts all shutdown hooks at once, so a trainer's own hook
     * that reports how the run ended ({@code error}, then {@code run_complete} failed) runs at
     * the same time as this one. A run_complete the trainer reports must win over the
     * {@code cancelled} this hook writes for a run that never said how it ended: so while no
     * run_complete is queued, this hook waits up to {@link #SHUTDOWN_GRACE_NANOS} (500 ms, at
     * most closeTimeout) before closing; events keep being accepted and written meanwhile. A
     * run_complete queued (or a close() by the trainer's hook) ends the wait at once.
     */
    private void closeAtShutdown() {
        if (!runCompleted && !closed) {
            long deadline = System.nanoTime() + Math.min(SHUTDOWN_GRACE_NANOS, config.closeTimeout().toNanos());
            while (!runCompleted && !closed && deadline - System.nanoTime() > 0) {
                Uninterruptibly.parkNanos(this, SHUTDOWN_GRACE_POLL_NANOS);
            }
        }
        close();
    }

    private void removeShutdownHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it will find the emitter closed
            }
        }
    }

    @Override
    public boolean isRunComplete() {
        return runCompleted;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public EmitterStats stats() {
        long emitted;
        producerLock.lock();
        try {
            emitted = nextSeq - 1;
        } finally {
            producerLock.unlock();
        }
        EmitterStats s = counters.snapshot();
        return new EmitterStats(emitted, s.writtenToSocket(), s.writtenToFile(), s.replayed(),
                s.droppedQueueFull(), s.droppedUnwritable(), s.droppedClosed(), s.droppedExtraRunComplete(),
                s.reconnects(), s.invalidArguments(), s.socketErrors(), s.fileErrors());
    }
}
