package dev.foxml.training.events.tribuo;

import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the models of one target scored, reported as its {@code target_complete}: the number of
 * models, the best AUC of the positive label among them, and the metrics of the best model.
 *
 * <pre>{@code
 * TribuoTargetReport report = TribuoTargetReport.forTarget("ret_5m", new Label("up"));
 * report.add("logistic_regression", new LabelEvaluator().evaluate(regression, test));
 * report.add("random_forest", new LabelEvaluator().evaluate(forest, test));
 * report.complete(emitter);   // target_complete: success, 2 models, best AUC, metrics
 * }</pre>
 *
 * <p>The metrics of {@code target_complete} are those of the best model (see
 * {@link LabelEvaluationMetrics#of(LabelEvaluation)}: {@code accuracy}, {@code macro_f1},
 * {@code balanced_error_rate}, {@code auc.<label>}), then {@code auc.model.<model>} for every
 * model added that has an AUC. The best model is the one with the highest AUC of the positive label; when no
 * model has one (models without probabilities), the one with the highest accuracy, and the best
 * AUC is {@code null}. Not thread-safe: one report per target.
 */
public final class TribuoTargetReport {

    private final String target;
    private final Label positive;
    private final Map<String, LabelEvaluation> evaluations = new LinkedHashMap<>();
    private final Map<String, Double> aucByModel = new LinkedHashMap<>();
    private String bestModel;

    private TribuoTargetReport(String target, Label positive) {
        this.target = target;
        this.positive = positive;
    }

    /**
     * Starts the report of one target.
     *
     * @param target the target's name
     * @param positive the label whose AUC ranks the models (the event the target predicts)
     * @return an empty report
     * @throws IllegalArgumentException when {@code target} is blank or {@code positive} is null
     */
    public static TribuoTargetReport forTarget(String target, Label positive) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("TribuoTargetReport.forTarget: the target must be a non-blank name, "
                    + "e.g. forTarget(\"ret_5m\", new Label(\"up\"))");
        }
        if (positive == null) {
            throw new IllegalArgumentException("TribuoTargetReport.forTarget: the positive label is null; pass "
                    + "the label whose AUC ranks the models, e.g. new Label(\"up\")");
        }
        return new TribuoTargetReport(target, positive);
    }

    /**
     * Adds the evaluation of one trained model.
     *
     * @param model the model's name, e.g. {@code random_forest}; a name added again replaces the first
     * @param evaluation its evaluation on held-out data
     * @return this report
     * @throws IllegalArgumentException when {@code model} is blank or {@code evaluation} is null
     */
    public TribuoTargetReport add(String model, LabelEvaluation evaluation) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("TribuoTargetReport.add: the model needs a non-blank name");
        }
        if (evaluation == null) {
            throw new IllegalArgumentException("TribuoTargetReport.add: the evaluation of " + model + " is null");
        }
        evaluations.put(model, evaluation);
        aucByModel.put(model, LabelEvaluationMetrics.auc(evaluation, positive));
        bestModel = null;
        return this;
    }

    /**
     * How many models were added.
     *
     * @return the number of models
     */
    public int modelsTrained() {
        return evaluations.size();
    }

    /**
     * The AUC of the positive label of each model, in the order added.
     *
     * @return model to AUC (NaN for a model without probabilities)
     */
    public Map<String, Double> aucByModel() {
        return Collections.unmodifiableMap(aucByModel);
    }

    /**
     * The best model: the highest AUC of the positive label, or without any AUC the highest accuracy.
     *
     * @return its name, or {@code null} when no model was added
     */
    public String bestModel() {
        if (bestModel == null && !evaluations.isEmpty()) {
            String best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            boolean anyAuc = aucByModel.values().stream().anyMatch(auc -> !auc.isNaN());
            for (Map.Entry<String, LabelEvaluation> entry : evaluations.entrySet()) {
                double score = anyAuc ? aucByModel.get(entry.getKey()) : entry.getValue().accuracy();
                if (best == null || score > bestScore) {
                    best = entry.getKey();
                    bestScore = score;
                }
            }
            bestModel = best;
        }
        return bestModel;
    }

    /**
     * The best AUC of the positive label among the models.
     *
     * @return the AUC, or NaN when no model has one
     */
    public double bestAuc() {
        String best = bestModel();
        return best == null ? Double.NaN : aucByModel.get(best);
    }

    /**
     * The metrics {@code target_complete} carries: the best model's, then each model's AUC.
     *
     * @return name to value, in that order
     */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        String best = bestModel();
        if (best != null) {
            metrics.putAll(LabelEvaluationMetrics.of(evaluations.get(best)));
        }
        aucByModel.forEach((model, auc) -> {
            if (!auc.isNaN()) {
                metrics.put("auc.model." + model, auc);
            }
        });
        return metrics;
    }

    /**
     * Reports the target as complete to {@link TrainingEvents#current()}.
     */
    public void complete() {
        complete(TrainingEvents.current());
    }

    /**
     * Reports the target as complete: {@code success} with the models, best AUC and metrics, or
     * {@code failed} with none when no model was added.
     *
     * @param emitter where the event goes
     */
    public void complete(TrainingEventEmitter emitter) {
        if (evaluations.isEmpty()) {
            emitter.emitTargetComplete(target, TargetStatus.FAILED, 0, Double.NaN);
            return;
        }
        emitter.emitTargetComplete(target, TargetStatus.SUCCESS, modelsTrained(), bestAuc(), metrics());
    }
}
