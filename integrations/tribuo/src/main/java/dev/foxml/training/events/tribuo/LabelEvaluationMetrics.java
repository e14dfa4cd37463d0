package dev.foxml.training.events.tribuo;

import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Tribuo {@link LabelEvaluation} as the metrics of a training event.
 *
 * <pre>{@code
 * LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, test);
 * emitter.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 1,
 *         LabelEvaluationMetrics.auc(evaluation, new Label("up")), LabelEvaluationMetrics.of(evaluation));
 * }</pre>
 */
public final class LabelEvaluationMetrics {

    /**
     * At most this many labels get an {@code auc.<label>} metric (a line carries at most 64
     * metrics); the first ones of the evaluation's domain, in its order.
     */
    public static final int MAX_LABEL_AUCS = 32;

    private LabelEvaluationMetrics() {
    }

    /**
     * The evaluation's metrics: {@code accuracy}, {@code macro_f1}, {@code balanced_error_rate},
     * then {@code auc.<label>} for each label (one-vs-rest, as Tribuo computes it), when the model
     * produced probabilities.
     *
     * @param evaluation the evaluation
     * @return name to value, in that order; a value Tribuo cannot compute (NaN) is left out
     */
    public static Map<String, Double> of(LabelEvaluation evaluation) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        putIfNumber(metrics, "accuracy", evaluation.accuracy());
        putIfNumber(metrics, "macro_f1", evaluation.macroAveragedF1());
        putIfNumber(metrics, "balanced_error_rate", evaluation.balancedErrorRate());
        int labels = 0;
        for (Label label : evaluation.getConfusionMatrix().getDomain().getDomain()) {
            if (labels++ == MAX_LABEL_AUCS) {
                break;
            }
            double auc = auc(evaluation, label);
            if (Double.isNaN(auc) && labels == 1) {
                // No probabilities: no label has an AUC.
                break;
            }
            putIfNumber(metrics, "auc." + label.getLabel(), auc);
        }
        return metrics;
    }

    /** A value Tribuo could not compute (NaN) is left out rather than sent as a repaired null. */
    private static void putIfNumber(Map<String, Double> metrics, String name, double value) {
        if (!Double.isNaN(value)) {
            metrics.put(name, value);
        }
    }

    /**
     * The area under the ROC curve of one label against the rest.
     *
     * @param evaluation the evaluation
     * @param label the label
     * @return the AUC, or NaN when Tribuo cannot compute it (the model produced no
     *     probabilities, or the label is not in the evaluated data)
     */
    public static double auc(LabelEvaluation evaluation, Label label) {
        try {
            return evaluation.AUCROC(label);
        } catch (RuntimeException notComputable) {
            // UnsupportedOperationException (no probabilities), IllegalArgumentException (unknown label).
            return Double.NaN;
        }
    }
}
