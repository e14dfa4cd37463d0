package dev.foxml.training.examples.trainer;

import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.RandomForestTrainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 1: orders the targets by how predictable they look, so the most promising are trained
 * first. Each target gets two quick models on all features, fitted on the first half of the
 * fitting rows and scored by AUC on the second half: a one-pass logistic regression for linear
 * signals and a small forest for the shapes a line cannot follow; the better AUC is the score.
 * A target with too few positive labels to score goes last.
 */
final class TargetRanker {

    private static final int QUICK_TREES = 6;
    private static final int QUICK_DEPTH = 5;

    private final TrainerConfig config;

    TargetRanker(TrainerConfig config) {
        this.config = config;
    }

    /** The targets, most predictable first, with the AUC each was ranked by ({@code NaN}: unscored). */
    Map<TargetSpec, Double> rank(MarketData data, List<TargetSpec> targets) {
        Map<TargetSpec, Double> scores = new LinkedHashMap<>();
        for (TargetSpec target : targets) {
            scores.put(target, score(data, target));
        }
        List<TargetSpec> order = new ArrayList<>(targets);
        // NaN sorts last; equal scores keep the given order (the sort is stable).
        order.sort(Comparator.comparingDouble(t -> {
            double auc = scores.get(t);
            return Double.isNaN(auc) ? Double.POSITIVE_INFINITY : -auc;
        }));
        Map<TargetSpec, Double> ranked = new LinkedHashMap<>();
        for (TargetSpec target : order) {
            ranked.put(target, scores.get(target));
        }
        return ranked;
    }

    private double score(MarketData data, TargetSpec target) {
        int half = data.trainRows() / 2;
        int end = data.trainRows();
        int fitPositives = data.positives(target.name(), 0, half);
        int checkPositives = data.positives(target.name(), half, end);
        // Half the positives stage 3 needs is already too few for a score worth ranking by.
        int needed = Math.max(1, config.minPositives() / 2);
        if (fitPositives < needed || half - fitPositives < needed
                || checkPositives < needed || end - half - checkPositives < needed) {
            return Double.NaN;
        }
        Label positive = new Label(target.positiveLabel());
        long seed = config.seed();

        TribuoDatasets standardised = TribuoDatasets.standardised(data, target, data.featureNames(), 0, half);
        Model<Label> linear = TargetModels.logisticRegression(1, seed)
                .train(standardised.rows(0, half, "ranking rows"));
        double linearAuc = TargetModels.auc(linear, standardised.rows(half, end, "ranking check rows"), positive);

        TribuoDatasets binned = TribuoDatasets.binned(data, target, data.featureNames(), 0, half,
                TargetModels.TREE_BINS);
        Model<Label> forest = new RandomForestTrainer<>(new CARTClassificationTrainer(QUICK_DEPTH, 0.5f, seed),
                new FullyWeightedVotingCombiner(), QUICK_TREES, seed)
                .train(binned.rows(0, half, "ranking rows, binned"));
        double forestAuc = TargetModels.auc(forest, binned.rows(half, end, "ranking check rows, binned"), positive);
        return Math.max(linearAuc, forestAuc);
    }
}
