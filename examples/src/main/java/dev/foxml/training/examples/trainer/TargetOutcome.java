package dev.foxml.training.examples.trainer;

import java.util.List;
import java.util.Map;

/**
 * What stage 3 produced for one target.
 *
 * @param target the target's name
 * @param success whether at least one model was trained and evaluated
 * @param modelsTrained models trained and evaluated
 * @param bestAuc the best test AUC over those models, {@code NaN} when there is none
 * @param bestModel the name of the model that reached it, or {@code null}
 * @param aucByModel the test AUC of every model trained, by model name
 * @param features the features the models were trained on
 * @param failure why the target failed, or {@code null}
 * @param metrics what {@code target_complete} carries besides the best AUC (the best model's
 *     accuracy, macro F1, AUC per label, and each model's AUC); empty when the target failed
 */
public record TargetOutcome(String target, boolean success, int modelsTrained, double bestAuc,
                           String bestModel, Map<String, Double> aucByModel, List<String> features,
                           RuntimeException failure, Map<String, Double> metrics) {

    static TargetOutcome failed(String target, List<String> features, RuntimeException failure) {
        return new TargetOutcome(target, false, 0, Double.NaN, null, Map.of(), features, failure, Map.of());
    }
}
