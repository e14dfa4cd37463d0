package dev.foxml.training.events;

import java.util.Map;

/**
 * Sends the events of one training run, each as one line of JSON, to the dashboard bridge.
 *
 * <p>Every {@code emit...} method is safe to call from any thread and never throws into
 * training code: an argument the wire format cannot carry (a {@code null} stage, a NaN, a
 * negative count, a string of megabytes) is repaired into a valid line, counted in
 * {@link #stats()} and reported by a rate-limited warning. No emit call blocks for longer than
 * the bound the implementation documents (50 ms for {@code emitter-core}), even while the
 * reader stalls.
 *
 * <p>Implementations are obtained through {@link TrainingEvents#init(String)} (or, with
 * {@code emitter-core}, its builder; {@link TrainingEvents#install(TrainingEventEmitter)} makes
 * such an emitter the one the static helpers report to). Closing an emitter whose run never reported
 * {@link #emitRunComplete(RunStatus)} reports it as {@link RunStatus#CANCELLED}, so no
 * dashboard shows a finished process as a run still in progress.
 */
public interface TrainingEventEmitter extends AutoCloseable {

    /**
     * The run id of this emitter.
     *
     * @return the run id this emitter was created with, written as {@code run_id} on every line
     *     (repaired on the wire, like any argument, if it cannot be written as it is)
     */
    String runId();

    /**
     * Reports overall progress of a stage.
     *
     * @param stage the stage, e.g. {@code "ranking"}, {@code "feature_selection"}, {@code "training"}
     * @param progressPct overall progress in percent; values outside [0, 100] are clamped and
     *     NaN is written as {@code null}
     */
    void emitProgress(String stage, double progressPct);

    /**
     * Reports progress with the target being worked on.
     *
     * @param stage the current stage
     * @param progressPct overall progress in percent, clamped to [0, 100]
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     */
    void emitProgress(String stage, double progressPct, String currentTarget,
                      int targetsComplete, int targetsTotal);

    /**
     * Reports progress with the target being worked on and custom metrics (loss, learning rate,
     * accuracy, ...), written as a nested {@code metrics} object. The map is copied before the
     * call returns, so the caller may reuse it. NaN and the infinities are written as {@code null};
     * at most 64 entries are written.
     *
     * <p>Implementations that do not support metrics write the event without them.
     *
     * @param stage the current stage
     * @param progressPct overall progress in percent, clamped to [0, 100]
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     * @param metrics name to value; {@code null} or empty for none
     */
    default void emitProgress(String stage, double progressPct, String currentTarget,
                              int targetsComplete, int targetsTotal, Map<String, ? extends Number> metrics) {
        emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
    }

    /**
     * A value of {@code epoch} or {@code step} that means "not known": written as {@code null}.
     */
    long UNKNOWN = -1;

    /**
     * Reports progress of a training loop in the trainer's own terms: the epoch (or boosting
     * round), the step (batch or iteration) and the throughput, besides the stage's percentage,
     * the target and custom metrics. Written as one {@code progress} line whose {@code epoch},
     * {@code step} and {@code throughput} keys follow the ones every progress line has.
     *
     * <p>Implementations that do not know these keys write the event without them.
     *
     * @param stage the current stage
     * @param progressPct progress of the stage in percent, clamped to [0, 100]
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     * @param epoch the epoch or round, 0 or more; {@link #UNKNOWN} (any negative value) for none
     * @param step the step within the run or epoch, 0 or more; {@link #UNKNOWN} for none
     * @param throughput items (samples, rows) per second; NaN for none
     * @param metrics name to value (loss, accuracy, ...); {@code null} or empty for none
     */
    default void emitProgress(String stage, double progressPct, String currentTarget,
                              int targetsComplete, int targetsTotal,
                              long epoch, long step, double throughput,
                              Map<String, ? extends Number> metrics) {
        emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, metrics);
    }

    /**
     * As {@link #emitProgress(String, double, String, int, int, long, long, double, Map)}, with the
     * throughput computed by the emitter from a count the trainer keeps: the items (samples,
     * rows) processed so far. The throughput written is the items per second between the
     * previous call of this method and this one (by their timestamps). It is {@code null} on the
     * first call, when no time has passed, and when the count is lower than the previous one,
     * which starts a new window (a count reset at each epoch or target costs one value there).
     * Other emit methods do not touch the window.
     *
     * <p>Implementations that cannot compute it write the event without a throughput.
     *
     * @param stage the current stage
     * @param progressPct progress of the stage in percent, clamped to [0, 100]
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     * @param epoch the epoch or round, 0 or more; {@link #UNKNOWN} for none
     * @param step the step within the run or epoch, 0 or more; {@link #UNKNOWN} for none
     * @param itemsProcessed items processed so far, cumulative, 0 or more; {@link #UNKNOWN} for none
     * @param metrics name to value (loss, accuracy, ...); {@code null} or empty for none
     */
    default void emitProgressWithItemCount(String stage, double progressPct, String currentTarget,
                                           int targetsComplete, int targetsTotal,
                                           long epoch, long step, long itemsProcessed,
                                           Map<String, ? extends Number> metrics) {
        emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, epoch, step, Double.NaN,
                metrics);
    }

    /**
     * Reports that the run left one stage for another.
     *
     * @param previousStage the stage left, or {@code null} when the run is starting
     * @param newStage the stage entered
     */
    void emitStageChange(String previousStage, String newStage);

    /**
     * Reports that the run entered a stage; the stage it left is the one this emitter last
     * reported (by a stage change or a progress event), or {@code null} at the start.
     *
     * @param newStage the stage entered
     */
    default void emitStageChange(String newStage) {
        emitStageChange(null, newStage);
    }

    /**
     * Reports a finished target with no models and no AUC.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     */
    void emitTargetComplete(String target, TargetStatus status);

    /**
     * Reports a finished target.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     * @param modelsTrained how many models were trained; a negative value is written as 0
     * @param bestAuc the best AUC reached, or {@code Double.NaN} for none (written as {@code null})
     */
    void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc);

    /**
     * Reports a finished target with custom metrics, written as a nested {@code metrics} object
     * (see {@link #emitProgress(String, double, String, int, int, Map)} for the rules).
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     * @param modelsTrained how many models were trained; a negative value is written as 0
     * @param bestAuc the best AUC reached, or {@code Double.NaN} for none (written as {@code null})
     * @param metrics name to value; {@code null} or empty for none
     */
    default void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc,
                                    Map<String, ? extends Number> metrics) {
        emitTargetComplete(target, status, modelsTrained, bestAuc);
    }

    /**
     * Reports the end of the run. An emitter writes one {@code run_complete}, whoever sends it
     * (this method, a {@link TrainingRun}, {@link TrainingEvents#run(String, RunBody)}, or
     * {@link #close()}'s {@code cancelled}): the first one wins; a later one is not written,
     * counted in {@link #stats()} ({@link EmitterStats#droppedExtraRunComplete()}) and warned
     * about once. Events of other types emitted after it are still written (an error found while
     * saving the model, a late metric), but no heartbeat follows it.
     *
     * @param status how the run ended; {@code null} is written as {@code "failed"}
     */
    void emitRunComplete(RunStatus status);

    /**
     * Whether this emitter has accepted a {@code run_complete}, after which a further one is not
     * written. A {@link TrainingRun} asks before reporting its own. Implementations that do not
     * track it return {@code false}.
     *
     * @return {@code true} once a {@code run_complete} was accepted
     */
    default boolean isRunComplete() {
        return false;
    }

    /**
     * Whether {@link #close()} was called. {@link TrainingEvents} no longer uses a closed emitter as
     * its current one. Implementations that do not track it return {@code false}.
     *
     * @return {@code true} once the emitter was closed
     */
    default boolean isClosed() {
        return false;
    }

    /**
     * Reports an error.
     *
     * @param errorMessage what went wrong
     * @param errorType a classification, e.g. an exception's class name
     * @param recoverable whether training goes on
     */
    void emitError(String errorMessage, String errorType, boolean recoverable);

    /**
     * Reports an exception as an {@code error} event: its class name as the type, its message
     * (or the class name when it has none) as the message.
     *
     * @param error the exception; {@code null} is reported as an unknown error
     * @param recoverable whether training goes on
     */
    default void emitError(Throwable error, boolean recoverable) {
        if (error == null) {
            emitError("unknown error", "unknown", recoverable);
            return;
        }
        String message = error.getMessage();
        emitError(message != null ? message : error.getClass().getName(),
                error.getClass().getName(), recoverable);
    }

    /**
     * Waits until every event emitted before this call has been written to the socket or the
     * file, or until the implementation's flush timeout passes. Never throws.
     *
     * @return {@code true} when everything was written, {@code false} when the timeout passed first
     */
    boolean flush();

    /**
     * Delivers what is still queued (within the implementation's close deadline), reports the
     * run as {@link RunStatus#CANCELLED} if it never completed, and releases the socket and file.
     * Idempotent; never throws. Events emitted after close are counted as dropped. A closed
     * emitter is no longer {@link TrainingEvents#current()}.
     *
     * <p>A thread whose interrupt flag is set (a cancelled task) may call this, {@link #flush()}
     * and every emit method: they still deliver within their deadlines, and the flag is still
     * set when they return.
     *
     * <p>At JVM shutdown, {@code emitter-core} closes the emitter from its own shutdown hook,
     * which the JVM runs at the same time as the application's hooks. A trainer's shutdown hook
     * that reports how the run ended ({@link #emitError}, then {@link #emitRunComplete} with
     * {@link RunStatus#FAILED}) wins over {@code cancelled} when it emits its run_complete within
     * 500 ms of the JVM starting its shutdown: until then the emitter's hook waits for it and
     * writes every event emitted meanwhile. A hook that needs longer builds the emitter without
     * that hook ({@code shutdownHook(false)} on {@code emitter-core}'s builder) and closes it
     * itself after its run_complete.
     */
    @Override
    void close();

    /**
     * A snapshot of what this emitter has done so far. Never throws.
     *
     * <p>The snapshot is asynchronous: events are written by a background thread (unless the
     * emitter is synchronous), so right after an emit call {@link EmitterStats#emitted()} counts it
     * while {@code writtenToSocket}, {@code writtenToFile} and the loss counters may not yet.
     * Call {@link #flush()} first for counts that cover every event emitted before it (or
     * {@link #close()}, after which they no longer change but for late emits counted as
     * {@code droppedClosed}).
     *
     * @return the counters; all zeros for the no-op emitter
     */
    default EmitterStats stats() {
        return EmitterStats.EMPTY;
    }
}
