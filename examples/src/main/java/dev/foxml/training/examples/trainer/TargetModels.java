package dev.foxml.training.examples.trainer;

import dev.foxml.training.events.tribuo.TribuoTargetReport;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.tree.ExtraTreesTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.optimisers.AdaGrad;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 3 for one target: trains a logistic regression, a random forest and an extra-trees
 * ensemble with Tribuo on the fitting rows and measures each one's AUC on the later test rows.
 */
final class TargetModels {

    /** Fewest positive labels the test rows need for an AUC worth reporting. */
    static final int MIN_TEST_POSITIVES = 5;

    /** Levels each feature is binned into for the trees (see {@link TribuoDatasets}). */
    static final int TREE_BINS = 32;

    private final TrainerConfig config;

    TargetModels(TrainerConfig config) {
        this.config = config;
    }

    /**
     * Trains and evaluates every model for the target.
     *
     * @throws InsufficientLabelsException when the fitting or test rows carry too few positive
     *     labels; checked before any model is trained
     */
    TargetOutcome train(MarketData data, TargetSpec target, List<String> features) {
        int fitRows = data.trainRows();
        int fitPositives = data.positives(target.name(), 0, fitRows);
        int testPositives = data.positives(target.name(), fitRows, data.rows());
        if (fitPositives < config.minPositives() || testPositives < MIN_TEST_POSITIVES) {
            throw new InsufficientLabelsException(String.format(
                    "%s has %d positive labels ('%s') in %d fitting rows and %d in %d test rows;"
                            + " at least %d and %d are needed",
                    target.name(), fitPositives, target.positiveLabel(), fitRows, testPositives,
                    data.rows() - fitRows, config.minPositives(), MIN_TEST_POSITIVES));
        }
        TribuoDatasets standardised = TribuoDatasets.standardised(data, target, features, 0, fitRows);
        TribuoDatasets binned = TribuoDatasets.binned(data, target, features, 0, fitRows, TREE_BINS);
        Label positive = new Label(target.positiveLabel());

        // The report ranks the models by the AUC of the positive label and gives target_complete's metrics.
        TribuoTargetReport report = TribuoTargetReport.forTarget(target.name(), positive);
        LabelEvaluator evaluator = new LabelEvaluator();
        Model<Label> regression = logisticRegression(config.sgdEpochs(), config.seed())
                .train(standardised.rows(0, fitRows, "fitting rows"));
        report.add("logistic_regression",
                evaluator.evaluate(regression, standardised.rows(fitRows, data.rows(), "test rows")));

        Dataset<Label> fit = binned.rows(0, fitRows, "fitting rows, binned");
        Dataset<Label> test = binned.rows(fitRows, data.rows(), "test rows, binned");
        for (Map.Entry<String, Trainer<Label>> entry : forests().entrySet()) {
            Model<Label> model = entry.getValue().train(fit);
            report.add(entry.getKey(), evaluator.evaluate(model, test));
        }
        return new TargetOutcome(target.name(), true, report.modelsTrained(), report.bestAuc(), report.bestModel(),
                Collections.unmodifiableMap(new LinkedHashMap<>(report.aucByModel())), features, null,
                Collections.unmodifiableMap(report.metrics()));
    }

    /** The area under the ROC curve of the model's probability of {@code positive} on {@code test}. */
    static double auc(Model<Label> model, Dataset<Label> test, Label positive) {
        return new LabelEvaluator().evaluate(model, test).AUCROC(positive);
    }

    private Map<String, Trainer<Label>> forests() {
        long seed = config.seed();
        Map<String, Trainer<Label>> trainers = new LinkedHashMap<>();
        // Forests need probabilities for an AUC: the fully weighted combiner averages the
        // trees' leaf distributions instead of counting hard votes.
        trainers.put("random_forest", new RandomForestTrainer<>(
                new CARTClassificationTrainer(config.maxDepth(), 0.5f, seed),
                new FullyWeightedVotingCombiner(), config.trees(), seed));
        trainers.put("extra_trees", new ExtraTreesTrainer<>(
                new CARTClassificationTrainer(config.maxDepth(), 0.7f, true, seed + 1),
                new FullyWeightedVotingCombiner(), config.trees(), seed + 1));
        return trainers;
    }

    static Trainer<Label> logisticRegression(int epochs, long seed) {
        // Logging interval -1 keeps Tribuo from logging every few thousand examples.
        return new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), epochs, -1, 16, seed);
    }
}
