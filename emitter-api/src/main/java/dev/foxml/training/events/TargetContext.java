package dev.foxml.training.events;

import java.util.Map;

/**
 * One target of a {@link TrainingEvents#forEachTarget(TrainingEventEmitter, String, java.util.List, TargetWork)}
 * loop, given to its {@link TargetWork}: the target's name and position, and progress reporting
 * for the work inside the target (epochs, boosting rounds, folds) that turns a percentage of this
 * target into the stage's overall percentage and fills in the target and counts.
 *
 * <pre>{@code
 * TrainingEvents.forEachTarget(emitter, "training", targets, target -> {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         double loss = trainOneEpoch(target.target());
 *         target.epochEnded(epoch, epochs, Map.of("loss", loss));
 *     }
 *     return TargetResult.success(1, evaluate(target.target()));
 * });
 * }</pre>
 *
 * <p>With three targets, 50% of the second one is reported as 50% overall
 * ({@code (1 + 0.5) / 3}), with {@code current_target} the second target,
 * {@code targets_complete} 1 and {@code targets_total} 3. Like every emit call, no method throws.
 */
public final class TargetContext {

    private final TrainingEventEmitter emitter;
    private final String stage;
    private final String target;
    private final int index;
    private final int total;

    /**
     * A context for a target of a loop of the caller's own (a framework's training listener, say),
     * reporting as {@link TrainingEvents#forEachTarget(TrainingEventEmitter, String, java.util.List, TargetWork)}
     * does for its targets.
     *
     * @param emitter the emitter to report to; {@code null} reports nothing (with one warning)
     * @param stage the stage written on the {@code progress} events
     * @param target the target's name
     * @param index the target's position, counted from 0 (the number of targets done before it)
     * @param total how many targets the loop has
     * @return the context
     */
    public static TargetContext of(TrainingEventEmitter emitter, String stage, String target, int index, int total) {
        return new TargetContext(emitter != null ? emitter : NothingCurrentEmitter.INSTANCE, stage, target,
                index, total);
    }

    TargetContext(TrainingEventEmitter emitter, String stage, String target, int index, int total) {
        this.emitter = emitter;
        this.stage = stage;
        this.target = target;
        this.index = index;
        this.total = total;
    }

    /**
     * The target's name.
     *
     * @return the target, as given in the list of targets
     */
    public String target() {
        return target;
    }

    /**
     * The target's position in the loop, counted from 0.
     *
     * @return the index of this target, which is also how many targets were done before it
     */
    public int index() {
        return index;
    }

    /**
     * How many targets the loop has.
     *
     * @return the number of targets
     */
    public int total() {
        return total;
    }

    /**
     * The stage the loop reports.
     *
     * @return the stage written on the loop's {@code progress} events
     */
    public String stage() {
        return stage;
    }

    /**
     * The emitter the loop reports to, for events of other kinds (errors, stage changes).
     *
     * @return the loop's emitter
     */
    public TrainingEventEmitter emitter() {
        return emitter;
    }

    /**
     * The stage's overall percentage when this target is {@code pctWithinTarget} percent done.
     *
     * @param pctWithinTarget progress within this target in percent; clamped to [0, 100] so that the
     *     result stays within this target's share; NaN gives NaN
     * @return {@code 100 * (index + pctWithinTarget / 100) / total}
     */
    public double overallPct(double pctWithinTarget) {
        if (total <= 0) {
            return Double.NaN;
        }
        double within = Double.isNaN(pctWithinTarget) ? pctWithinTarget
                : Math.max(0.0, Math.min(100.0, pctWithinTarget));
        return (100.0 * index + within) / total;
    }

    /**
     * Reports progress within this target as a {@code progress} event with the overall
     * percentage, this target, and the loop's counts.
     *
     * @param pctWithinTarget progress within this target in percent (see {@link #overallPct(double)})
     */
    public void progress(double pctWithinTarget) {
        emitter.emitProgress(stage, overallPct(pctWithinTarget), target, index, total);
    }

    /**
     * Reports progress within this target with custom metrics (loss, accuracy, ...).
     *
     * @param pctWithinTarget progress within this target in percent (see {@link #overallPct(double)})
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public void progress(double pctWithinTarget, Map<String, ? extends Number> metrics) {
        emitter.emitProgress(stage, overallPct(pctWithinTarget), target, index, total, metrics);
    }

    /**
     * Reports progress within this target in the trainer's own terms: epoch, step and throughput,
     * as {@link TrainingEventEmitter#emitProgress(String, double, String, int, int, long, long, double, Map)}.
     *
     * @param pctWithinTarget progress within this target in percent (see {@link #overallPct(double)})
     * @param epoch the epoch or round, 0 or more; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param step the step, 0 or more; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param throughput items per second; NaN for none
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public void progress(double pctWithinTarget, long epoch, long step, double throughput,
                         Map<String, ? extends Number> metrics) {
        emitter.emitProgress(stage, overallPct(pctWithinTarget), target, index, total,
                epoch, step, throughput, metrics);
    }

    /**
     * Reports the end of an epoch (or boosting round) of this target: progress within the target
     * is {@code (epoch + 1) / epochs}, and the event carries the epoch and the metrics.
     *
     * @param epoch the epoch that ended, counted from 0
     * @param epochs how many epochs this target trains; 0 or less when not known (the percentage
     *     then stays at this target's start)
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public void epochEnded(long epoch, long epochs, Map<String, ? extends Number> metrics) {
        double within = epochs > 0 ? 100.0 * (epoch + 1) / epochs : 0.0;
        emitter.emitProgress(stage, overallPct(within), target, index, total,
                epoch, TrainingEventEmitter.UNKNOWN, Double.NaN, metrics);
    }

    @Override
    public String toString() {
        return "TargetContext[" + target + ", " + (index + 1) + " of " + total + "]";
    }
}
