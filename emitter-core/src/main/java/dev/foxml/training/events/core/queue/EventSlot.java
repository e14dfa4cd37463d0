package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.encode.ArgumentProblems;

/**
 * One preallocated, reusable event: the arguments of one emit call, held until the writer
 * encodes them. Strings and metric arrays are the caller's own references (the metrics already
 * copied), so filling a slot copies nothing and allocates nothing. Each event type has its fill
 * method, which sets {@link #type} and that type's fields; the other fields are left as they
 * are and never read for that type. The queue stamps {@link #seq} and {@link #timestampMicros}.
 */
public final class EventSlot {
    /** Which event this slot holds, and so which fields below mean something. */
    public EventType type;
    /** Position in this emitter's stream: 1, 2, 3, ... in emit order. */
    public long seq;
    /** When the event was emitted, in microseconds since the epoch. */
    public long timestampMicros;
    /** Problems found in the arguments on the caller's side ({@link ArgumentProblems} bits). */
    public int problems;

    /** progress: the stage the run is in. */
    public String stage;
    /** progress: the percent done, as given (clamped when encoded). */
    public double progressPct;
    /** progress: the target being trained, or null. */
    public String currentTarget;
    /** progress: targets done so far. */
    public int targetsComplete;
    /** progress: targets in all. */
    public int targetsTotal;
    /** progress: the epoch, negative for none. */
    public long epoch;
    /** progress: the step, negative for none. */
    public long step;
    /** progress: items per second (NaN for none), or a cumulative item count (see {@link #throughputIsItemCount}). */
    public double throughput;
    /** progress: {@link #throughput} holds a cumulative item count the encoder turns into items per second. */
    public boolean throughputIsItemCount;

    /** stage_change: the stage left, as given (see {@link #previousStageFromStream}). */
    public String previousStage;
    /** stage_change: the stage entered. */
    public String newStage;
    /** stage_change: the previous stage is the stream's current one, filled in by the encoder in seq order. */
    public boolean previousStageFromStream;

    /** target_complete: the target trained. */
    public String target;
    /** target_complete and run_complete: the status, already in its wire spelling. */
    public String status;
    /** target_complete: models trained for the target. */
    public int modelsTrained;
    /** target_complete: the best AUC, NaN for none. */
    public double bestAuc;

    /** error: what went wrong. */
    public String errorMessage;
    /** error: the kind of error (e.g. an exception's class name). */
    public String errorType;
    /** error: whether training goes on. */
    public boolean recoverable;

    /** progress and target_complete: a copy of the caller's metric names, or null (the common case). */
    public String[] metricNames;
    /** progress and target_complete: the metric values, index by index with {@link #metricNames}. */
    public double[] metricValues;

    /**
     * Fills a progress event.
     *
     * @param stage the stage
     * @param progressPct the percent done
     * @param currentTarget the target being trained, or null
     * @param targetsComplete targets done
     * @param targetsTotal targets in all
     * @param epoch the epoch, negative for none
     * @param step the step, negative for none
     * @param throughput items per second or, with {@code itemCount}, a cumulative item count; NaN for none
     * @param itemCount whether {@code throughput} is an item count
     * @param metricNames metric names (a copy), or null
     * @param metricValues metric values (a copy), or null
     */
    public void progress(String stage, double progressPct, String currentTarget, int targetsComplete,
                         int targetsTotal, long epoch, long step, double throughput, boolean itemCount,
                         String[] metricNames, double[] metricValues) {
        this.type = EventType.PROGRESS;
        this.stage = stage;
        this.progressPct = progressPct;
        this.currentTarget = currentTarget;
        this.targetsComplete = targetsComplete;
        this.targetsTotal = targetsTotal;
        this.epoch = epoch;
        this.step = step;
        this.throughput = throughput;
        this.throughputIsItemCount = itemCount;
        this.metricNames = metricNames;
        this.metricValues = metricValues;
    }

    /**
     * Fills a stage_change event.
     *
     * @param previousStage the stage left (ignored when {@code previousFromStream})
     * @param newStage the stage entered
     * @param previousFromStream whether the encoder fills in the stream's current stage as the previous one
     */
    public void stageChange(String previousStage, String newStage, boolean previousFromStream) {
        this.type = EventType.STAGE_CHANGE;
        this.previousStage = previousStage;
        this.newStage = newStage;
        this.previousStageFromStream = previousFromStream;
    }

    /**
     * Fills a target_complete event.
     *
     * @param target the target
     * @param status its status, in wire spelling
     * @param modelsTrained models trained
     * @param bestAuc the best AUC, NaN for none
     * @param metricNames metric names (a copy), or null
     * @param metricValues metric values (a copy), or null
     */
    public void targetComplete(String target, String status, int modelsTrained, double bestAuc,
                               String[] metricNames, double[] metricValues) {
        this.type = EventType.TARGET_COMPLETE;
        this.target = target;
        this.status = status;
        this.modelsTrained = modelsTrained;
        this.bestAuc = bestAuc;
        this.metricNames = metricNames;
        this.metricValues = metricValues;
    }

    /**
     * Fills a run_complete event.
     *
     * @param status how the run ended, in wire spelling
     */
    public void runComplete(String status) {
        this.type = EventType.RUN_COMPLETE;
        this.status = status;
    }

    /**
     * Fills an error event.
     *
     * @param errorMessage what went wrong
     * @param errorType the kind of error
     * @param recoverable whether training goes on
     */
    public void error(String errorMessage, String errorType, boolean recoverable) {
        this.type = EventType.ERROR;
        this.errorMessage = errorMessage;
        this.errorType = errorType;
        this.recoverable = recoverable;
    }

    /** Fills the run_start event (its content is the emitter's, not the caller's). */
    public void runStart() {
        this.type = EventType.RUN_START;
    }

    /** Fills a heartbeat (its content is the stream's latest progress, filled in by the encoder). */
    public void heartbeat() {
        this.type = EventType.HEARTBEAT;
    }

    /** Drops the caller's references so that a slot waiting for reuse keeps nothing alive. */
    public void clear() {
        stage = null;
        currentTarget = null;
        previousStage = null;
        newStage = null;
        target = null;
        status = null;
        errorMessage = null;
        errorType = null;
        metricNames = null;
        metricValues = null;
    }
}
