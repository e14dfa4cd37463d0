package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.encode.ArgumentProblems;
import dev.foxml.training.events.core.queue.EventSink;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.EmitterIds;
import dev.foxml.training.events.core.support.RateLimitedLog;
import dev.foxml.training.events.core.writer.EventWriter;
import dev.foxml.training.events.core.writer.Heartbeat;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;

import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>This class is the facade: it checks each call's arguments (strict mode throws here), and
 * puts the event into an {@link EventSink} in three steps: claim a slot, fill it with the slot's
 * method for the event type, publish it. The sink is a queue ({@code core.queue.EventQueue})
 * drained by a writer thread ({@code core.writer.EventWriter}), or, in synchronous mode, a
 * writer that encodes and delivers on the calling thread ({@code core.writer.SyncWriter}).
 *
 * <p>Its size is the public emit surface: one short claim, fill and publish block per emit method,
 * kept apart rather than shared through a lambda so that the hot path neither allocates nor adds a
 * call level; the queue, writer, encoder and delivery live in their own packages.
 */
public final class DefaultTrainingEventEmitter implements TrainingEventEmitter {
    private final EmitterConfig config;
    private final boolean strict;
    private final int maxStringChars;
    private final String emitterId;
    private final Counters counters = new Counters();
    private final RateLimitedLog log;
    private final EventSink sink;
    private final Heartbeat heartbeat;
    private final Object closeLock = new Object();
    private final ShutdownHook shutdownHook;

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
        this(config, EmitterAssembly.FAILOVER);
    }

    DefaultTrainingEventEmitter(EmitterConfig config, EmitterAssembly.DeliveryOpener opener) {
        this.config = config;
        this.strict = config.strict();
        this.maxStringChars = config.maxStringChars();
        this.log = new RateLimitedLog(config.warningInterval().toNanos());
        this.emitterId = EmitterIds.random();
        this.sink = EmitterAssembly.sink(config, emitterId, opener, counters, log);
        this.shutdownHook = config.shutdownHook()
                ? ShutdownHook.add(this, sink, config.closeTimeout().toNanos()) : null;
        if (config.runStartEvent()) {
            sink.emitOwnEvent(EventType.RUN_START);
        }
        heartbeat = config.heartbeatInterval() == null ? null
                : Heartbeat.start(sink, config.heartbeatInterval().toNanos(), log, EventWriter.lastNumber());
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

    // ---- emit: the arguments checked, then claim, fill, publish ----

    @Override
    public void emitProgress(String stage, double progressPct) {
        emitProgress(stage, progressPct, null, 0, 0);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget,
                             int targetsComplete, int targetsTotal) {
        // Straight to progress(), not through the metrics overload: the shortest call chain for
        // the hot path (measured: ~10 ns more per call through the extra levels).
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, -1, -1, Double.NaN, false,
                problems, null);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, Map<String, ? extends Number> metrics) {
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, -1, -1, Double.NaN, false,
                problems, metrics);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, long epoch, long step, double throughput,
                             Map<String, ? extends Number> metrics) {
        int problems = progressProblems(stage, progressPct, currentTarget, targetsComplete, targetsTotal)
                | ArgumentProblems.optionalCount(epoch) | ArgumentProblems.optionalCount(step)
                | ArgumentProblems.rate(throughput);
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, epoch, step, throughput, false,
                problems, metrics);
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
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, epoch, step, items, true,
                problems, metrics);
    }

    private int progressProblems(String stage, double progressPct, String currentTarget, int targetsComplete,
                                 int targetsTotal) {
        int max = maxStringChars;
        return ArgumentProblems.required(stage, max) | ArgumentProblems.percent(progressPct)
                | ArgumentProblems.optional(currentTarget, max)
                | ArgumentProblems.counts(targetsComplete, targetsTotal);
    }

    private void progress(String stage, double progressPct, String currentTarget, int targetsComplete,
                          int targetsTotal, long epoch, long step, double throughput, boolean itemCount,
                          int problems, Map<String, ? extends Number> metrics) {
        CopiedMetrics copied = metrics == null ? null : CopiedMetrics.of(metrics, problems);
        if (copied != null) {
            problems = copied.problems;
        }
        if (strict) {
            checkStrict(stage, currentTarget, problems);
        }
        try {
            EventSink s = sink;
            synchronized (s) {
                EventSlot slot = s.claim(EventType.PROGRESS, problems);
                if (slot != null) {
                    try {
                        slot.progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, epoch, step,
                                throughput, itemCount, copied == null ? null : copied.names,
                                copied == null ? null : copied.values);
                    } finally {
                        s.publish(slot);
                    }
                }
            }
            s.wakeConsumer();
        } catch (RuntimeException | Error unexpected) {
            lostToInternalError(unexpected);
        }
    }

    @Override
    public void emitStageChange(String previousStage, String newStage) {
        int problems = ArgumentProblems.optional(previousStage, maxStringChars)
                | ArgumentProblems.required(newStage, maxStringChars);
        stageChange(previousStage, newStage, false, problems);
    }

    @Override
    public void emitStageChange(String newStage) {
        // The previous stage is filled in where events are encoded, one at a time in seq order:
        // the stage as of this event, whichever thread emitted the events before it.
        stageChange(null, newStage, true, ArgumentProblems.required(newStage, maxStringChars));
    }

    private void stageChange(String previousStage, String newStage, boolean previousFromStream, int problems) {
        if (strict) {
            checkStrict(previousStage, newStage, problems);
        }
        try {
            EventSink s = sink;
            synchronized (s) {
                EventSlot slot = s.claim(EventType.STAGE_CHANGE, problems);
                if (slot != null) {
                    try {
                        slot.stageChange(previousStage, newStage, previousFromStream);
                    } finally {
                        s.publish(slot);
                    }
                }
            }
            s.wakeConsumer();
        } catch (RuntimeException | Error unexpected) {
            lostToInternalError(unexpected);
        }
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status) {
        emitTargetComplete(target, status, 0, Double.NaN);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc) {
        targetComplete(target, status, modelsTrained, bestAuc, null);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc,
                                   Map<String, ? extends Number> metrics) {
        targetComplete(target, status, modelsTrained, bestAuc, metrics);
    }

    private void targetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc,
                                Map<String, ? extends Number> metrics) {
        int problems = ArgumentProblems.required(target, maxStringChars)
                | ArgumentProblems.count(modelsTrained) | ArgumentProblems.optionalNumber(bestAuc)
                | (status == null ? ArgumentProblems.NULL_STATUS : 0);
        // A null status is written as failed (and counted as a problem above).
        String wireStatus = status == null ? TargetStatus.FAILED.wireName() : status.wireName();
        CopiedMetrics copied = metrics == null ? null : CopiedMetrics.of(metrics, problems);
        if (copied != null) {
            problems = copied.problems;
        }
        if (strict) {
            checkStrict(target, wireStatus, problems);
        }
        try {
            EventSink s = sink;
            synchronized (s) {
                EventSlot slot = s.claim(EventType.TARGET_COMPLETE, problems);
                if (slot != null) {
                    try {
                        slot.targetComplete(target, wireStatus, modelsTrained, bestAuc,
                                copied == null ? null : copied.names, copied == null ? null : copied.values);
                    } finally {
                        s.publish(slot);
                    }
                }
            }
            s.wakeConsumer();
        } catch (RuntimeException | Error unexpected) {
            lostToInternalError(unexpected);
        }
    }

    @Override
    public void emitRunComplete(RunStatus status) {
        int problems = status == null ? ArgumentProblems.NULL_STATUS : 0;
        runComplete(status == null ? RunStatus.FAILED.wireName() : status.wireName(), problems);
    }

    private void runComplete(String wireStatus, int problems) {
        if (strict) {
            checkStrict(wireStatus, null, problems);
        }
        try {
            EventSink s = sink;
            synchronized (s) {
                EventSlot slot = s.claim(EventType.RUN_COMPLETE, problems);
                if (slot != null) {
                    try {
                        slot.runComplete(wireStatus);
                    } finally {
                        s.publish(slot);
                    }
                }
            }
            s.wakeConsumer();
        } catch (RuntimeException | Error unexpected) {
            lostToInternalError(unexpected);
        }
    }

    @Override
    public void emitError(String errorMessage, String errorType, boolean recoverable) {
        int problems = ArgumentProblems.required(errorMessage, maxStringChars)
                | ArgumentProblems.required(errorType, maxStringChars);
        if (strict) {
            checkStrict(errorMessage, errorType, problems);
        }
        try {
            EventSink s = sink;
            synchronized (s) {
                EventSlot slot = s.claim(EventType.ERROR, problems);
                if (slot != null) {
                    try {
                        slot.error(errorMessage, errorType, recoverable);
                    } finally {
                        s.publish(slot);
                    }
                }
            }
            s.wakeConsumer();
        } catch (RuntimeException | Error unexpected) {
            lostToInternalError(unexpected);
        }
    }

    /** Strict mode's check, on the caller's thread; otherwise problems are repaired and counted later. */
    private static void checkStrict(String s1, String s2, int problems) {
        problems |= ArgumentProblems.characters(s1) | ArgumentProblems.characters(s2);
        if (problems != 0) {
            throw new IllegalArgumentException("invalid training event arguments: "
                    + ArgumentProblems.describe(problems));
        }
    }

    /** A bug of ours must cost an event, never the training run. */
    private void lostToInternalError(Throwable unexpected) {
        counters.droppedUnwritable.incrementAndGet();
        log.warn("internal", "a training event was lost to an internal error: " + unexpected);
    }

    // ---- flush, close, stats ----

    @Override
    public boolean flush() {
        return sink.flush(config.flushTimeout().toNanos());
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (sink.isClosed()) {
                return;
            }
            boolean completed = sink.beginClose();
            try {
                if (!completed) {
                    // A run that ends without saying how would be shown as running forever.
                    runComplete(RunStatus.CANCELLED.wireName(), 0);
                }
            } finally {
                sink.endClosingEmits();
            }
        }
        if (heartbeat != null) {
            heartbeat.wake();
        }
        try {
            sink.close(TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.closeTimeout().toMillis())));
        } catch (RuntimeException | Error e) {
            log.warn("close", "closing the training event emitter failed: " + e);
        }
        if (shutdownHook != null) {
            shutdownHook.remove();
        }
    }

    @Override
    public boolean isRunComplete() {
        return sink.isRunCompleted();
    }

    @Override
    public boolean isClosed() {
        return sink.isClosed();
    }

    @Override
    public EmitterStats stats() {
        long emitted = sink.emitted();
        EmitterStats s = counters.snapshot();
        return new EmitterStats(emitted, s.writtenToSocket(), s.writtenToFile(), s.replayed(),
                s.droppedQueueFull(), s.droppedUnwritable(), s.droppedClosed(), s.droppedExtraRunComplete(),
                s.reconnects(), s.invalidArguments(), s.socketErrors(), s.fileErrors());
    }
}
