package dev.foxml.training.events.tribuo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.testkit.EventLines;
import dev.foxml.training.events.testkit.RecordingEmitter;
import dev.foxml.training.events.testkit.RecordingEmitter.Call;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluates real Tribuo models trained on generated data and checks what is reported. */
class TribuoTargetReportTest {

    private static final Label UP = new Label("up");
    private static final LabelFactory LABELS = new LabelFactory();
    private static MutableDataset<Label> train;
    private static MutableDataset<Label> test;
    private static LabelEvaluation regression;
    private static LabelEvaluation tree;
    private static LabelEvaluation svm;

    // Held: Tribuo logs every model it trains at INFO; a logger only referenced weakly would lose its level.
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    @BeforeAll
    static void trainModels() {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        Random random = new Random(3);
        train = dataset(random, 1500);
        test = dataset(random, 500);
        LabelEvaluator evaluator = new LabelEvaluator();
        Model<Label> logistic = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 5, -1, 16, 1L)
                .train(train);
        regression = evaluator.evaluate(logistic, test);
        // The forest averages its trees' leaf distributions: probabilities, so an AUC.
        tree = evaluator.evaluate(new RandomForestTrainer<>(new CARTClassificationTrainer(4, 0.5f, 1L),
                new FullyWeightedVotingCombiner(), 5, 1L).train(train), test);
        // A hinge-loss SVM gives no probabilities: no AUC.
        svm = evaluator.evaluate(new LinearSGDTrainer(new Hinge(), new AdaGrad(0.1, 0.1), 5, -1, 16, 1L)
                .train(train), test);
    }

    /** "up" when a linear score of the features plus noise is positive. */
    private static MutableDataset<Label> dataset(Random random, int rows) {
        String[] names = {"f0", "f1", "f2", "f3"};
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("generated", LABELS), LABELS);
        for (int r = 0; r < rows; r++) {
            double[] values = new double[names.length];
            double score = 0;
            for (int f = 0; f < names.length; f++) {
                values[f] = random.nextGaussian();
                score += (f + 1) * values[f];
            }
            score += 2 * random.nextGaussian();
            data.add(new ArrayExample<>(score > 0 ? UP : new Label("down"), names, values));
        }
        return data;
    }

    @Test
    void theBestModelsAucAndMetricsGoToTargetComplete() {
        RecordingEmitter events = new RecordingEmitter("tribuo");
        TribuoTargetReport report = TribuoTargetReport.forTarget("ret_5m", UP)
                .add("logistic_regression", regression)
                .add("random_forest", tree);
        report.complete(events);

        double regressionAuc = regression.AUCROC(UP);
        double treeAuc = tree.AUCROC(UP);
        assertTrue(regressionAuc > 0.75 && treeAuc > 0.6, regressionAuc + " " + treeAuc);
        String best = regressionAuc >= treeAuc ? "logistic_regression" : "random_forest";
        LabelEvaluation bestEvaluation = best.equals("logistic_regression") ? regression : tree;

        Call done = events.calls("target_complete").get(0);
        assertEquals(List.of("target_complete"), events.types());
        assertEquals("ret_5m", done.target());
        assertEquals("success", done.status());
        assertEquals(2, done.modelsTrained());
        assertEquals(Math.max(regressionAuc, treeAuc), done.bestAuc());
        assertEquals(best, report.bestModel());
        assertEquals(bestEvaluation.accuracy(), done.metric("accuracy"));
        assertEquals(bestEvaluation.macroAveragedF1(), done.metric("macro_f1"));
        assertEquals(bestEvaluation.balancedErrorRate(), done.metric("balanced_error_rate"));
        assertEquals(bestEvaluation.AUCROC(UP), done.metric("auc.up"));
        assertEquals(bestEvaluation.AUCROC(new Label("down")), done.metric("auc.down"));
        assertEquals(regressionAuc, done.metric("auc.model.logistic_regression"));
        assertEquals(treeAuc, done.metric("auc.model.random_forest"));
        System.out.printf("logistic regression AUC %.4f, tree AUC %.4f, best %s, accuracy %.4f%n",
                regressionAuc, treeAuc, best, done.metric("accuracy"));
    }

    @Test
    void modelsWithoutProbabilitiesHaveNoAucAndTheMostAccurateIsBest() {
        Map<String, Double> metrics = LabelEvaluationMetrics.of(svm);
        assertEquals(List.of("accuracy", "macro_f1", "balanced_error_rate"), List.copyOf(metrics.keySet()));
        assertTrue(Double.isNaN(LabelEvaluationMetrics.auc(svm, UP)));

        RecordingEmitter events = new RecordingEmitter("tribuo");
        TribuoTargetReport.forTarget("ret_1h", UP).add("svm", svm).complete(events);
        Call done = events.calls("target_complete").get(0);
        assertTrue(Double.isNaN(done.bestAuc()), "no AUC: best_auc is null");
        assertEquals(svm.accuracy(), done.metric("accuracy"));
        assertFalse(done.metrics().containsKey("auc.model.svm"), "no AUC: left out");
        assertFalse(done.metrics().containsKey("auc.up"));
    }

    @Test
    void aTargetWithoutModelsIsReportedFailed() {
        RecordingEmitter events = new RecordingEmitter("tribuo");
        TribuoTargetReport.forTarget("ret_1d", UP).complete(events);
        Call done = events.calls("target_complete").get(0);
        assertEquals("failed", done.status());
        assertEquals(0, done.modelsTrained());
    }

    @Test
    void theLinesARealEmitterWritesAreValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("tribuo-e2e")
                .socketPath(dir.resolve("absent.sock")).filePath(file).shutdownHook(false).build()) {
            TribuoTargetReport.forTarget("ret_5m", UP).add("logistic_regression", regression)
                    .add("svm", svm).complete(emitter);
            assertTrue(emitter.flush());
        }
        JsonNode done = EventLines.ofType(EventLines.readValid(file), "target_complete").get(0);
        assertEquals(2, done.get("models_trained").asInt());
        assertEquals(regression.AUCROC(UP), done.get("best_auc").asDouble(), 1e-12);
        assertFalse(done.get("metrics").has("auc.model.svm"), done.toString());
        assertEquals(regression.accuracy(), done.get("metrics").get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void settingsThatCannotWorkAreRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TribuoTargetReport.forTarget("", UP))
                .getMessage().contains("forTarget"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TribuoTargetReport.forTarget("t", null))
                .getMessage().contains("positive label"));
        assertThrows(IllegalArgumentException.class, () -> TribuoTargetReport.forTarget("t", UP).add("m", null));
    }
}
