package dev.foxml.training.events;

import java.util.Map;

/**
 * What a {@link TargetTask} reports for its target, written as that target's
 * {@code target_complete} event.
 *
 * @param status how the target ended
 * @param modelsTrained models trained for the target (negative is written as 0)
 * @param bestAuc the best AUC, or {@code Double.NaN} for none
 * @param metrics extra metrics for the event, or {@code null}
 */
public record TargetResult(TargetStatus status, int modelsTrained, double bestAuc,
                           Map<String, ? extends Number> metrics) {

    /**
     * A target trained successfully.
     *
     * @param modelsTrained models trained for the target (negative is written as 0)
     * @param bestAuc the best AUC, or {@code Double.NaN} for none
     * @return a {@link TargetStatus#SUCCESS} result without metrics
     */
    public static TargetResult success(int modelsTrained, double bestAuc) {
        return new TargetResult(TargetStatus.SUCCESS, modelsTrained, bestAuc, null);
    }

    /**
     * A target trained successfully, with extra metrics.
     *
     * @param modelsTrained models trained for the target (negative is written as 0)
     * @param bestAuc the best AUC, or {@code Double.NaN} for none
     * @param metrics extra metrics for the event, or {@code null}; written with the rules of
     *     {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus, int, double, Map)}
     * @return a {@link TargetStatus#SUCCESS} result
     */
    public static TargetResult success(int modelsTrained, double bestAuc, Map<String, ? extends Number> metrics) {
        return new TargetResult(TargetStatus.SUCCESS, modelsTrained, bestAuc, metrics);
    }

    /**
     * A target deliberately not trained.
     *
     * @return a {@link TargetStatus#SKIPPED} result with no models and no AUC
     */
    public static TargetResult skipped() {
        return new TargetResult(TargetStatus.SKIPPED, 0, Double.NaN, null);
    }

    /**
     * A target that failed without an exception (the task decided so itself).
     *
     * @param modelsTrained models trained before it failed (negative is written as 0)
     * @return a {@link TargetStatus#FAILED} result with no AUC
     */
    public static TargetResult failed(int modelsTrained) {
        return new TargetResult(TargetStatus.FAILED, modelsTrained, Double.NaN, null);
    }
}
