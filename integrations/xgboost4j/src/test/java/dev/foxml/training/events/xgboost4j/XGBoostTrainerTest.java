package dev.foxml.training.events.xgboost4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.testkit.EventLines;
import dev.foxml.training.events.testkit.RecordingEmitter;
import dev.foxml.training.events.testkit.RecordingEmitter.Call;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trains real boosters on generated data and checks what XGBoostTrainer reports. */
class XGBoostTrainerTest {

    private static final int FEATURES = 6;
    private static DMatrix train;
    private static DMatrix test;
    private static DMatrix noise;

    @BeforeAll
    static void data() throws XGBoostError {
        Random random = new Random(42);
        train = matrix(random, 1500, true);
        test = matrix(random, 500, true);
        // Labels unrelated to the features: the validation score wanders, so early stopping stops.
        noise = matrix(random, 500, false);
    }

    @AfterAll
    static void dispose() {
        train.dispose();
        test.dispose();
        noise.dispose();
    }

    /** Rows whose label depends on a linear score of the features plus noise (or on nothing). */
    private static DMatrix matrix(Random random, int rows, boolean signal) throws XGBoostError {
        float[] x = new float[rows * FEATURES];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double score = 0;
            for (int f = 0; f < FEATURES; f++) {
                float v = (float) random.nextGaussian();
                x[r * FEATURES + f] = v;
                score += (f + 1) * 0.3 * v;
            }
            score += random.nextGaussian();
            y[r] = signal ? (score > 0 ? 1f : 0f) : (random.nextBoolean() ? 1f : 0f);
        }
        DMatrix m = new DMatrix(x, rows, FEATURES, Float.NaN);
        m.setLabel(y);
        return m;
    }

    private static Map<String, Object> params(String evalMetric) {
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("eval_metric", evalMetric);
        params.put("max_depth", 3);
        params.put("eta", 0.3);
        params.put("nthread", 1);
        params.put("seed", 7);
        params.put("verbosity", 0);
        return params;
    }

    private static Map<String, DMatrix> watches(DMatrix validation) {
        Map<String, DMatrix> watches = new LinkedHashMap<>();
        watches.put("train", train);
        watches.put("test", validation);
        return watches;
    }

    @Test
    void everyRoundIsReportedAndTheBoosterIsXGBoostsOwn() throws XGBoostError {
        RecordingEmitter events = new RecordingEmitter("xgb");
        float[][] history = new float[2][20];
        Booster booster = XGBoostTrainer.forTarget("ret_5m").emitter(events)
                .train(train, params("auc"), 20, watches(test), history, null, null, 0, null);

        List<Call> progress = events.calls("progress");
        assertEquals(21, progress.size(), "one progress before the first round and one per round");
        assertEquals(List.of("progress"), events.types().subList(0, 1));
        assertEquals("target_complete", events.types().get(events.types().size() - 1));
        Call start = progress.get(0);
        assertEquals(TrainingEventEmitter.UNKNOWN, start.epoch());
        assertEquals(0.0, start.progressPct());
        for (int round = 0; round < 20; round++) {
            Call p = progress.get(round + 1);
            assertEquals("training", p.stage());
            assertEquals("ret_5m", p.target());
            assertEquals(0, p.targetsComplete());
            assertEquals(1, p.targetsTotal());
            assertEquals(round, p.epoch());
            assertEquals(100.0 * (round + 1) / 20, p.progressPct(), 1e-9);
            assertTrue(p.throughput() > 0, "rows per second of the round: " + p.throughput());
            assertEquals(List.of("train-auc", "test-auc"), List.copyOf(p.metrics().keySet()));
            // The metrics are what XGBoost computed for the round (its float copy has less precision).
            assertEquals(history[0][round], p.metric("train-auc"), 1e-6);
            assertEquals(history[1][round], p.metric("test-auc"), 1e-6);
        }
        double lastTestAuc = progress.get(20).metric("test-auc");
        assertTrue(lastTestAuc > 0.85, "a real model learnt the signal: test AUC " + lastTestAuc);

        Call done = events.calls("target_complete").get(0);
        assertEquals("success", done.status());
        assertEquals(1, done.modelsTrained());
        int best = Integer.parseInt(booster.getAttr("best_iteration"));
        assertEquals(best, (int) done.metric("best_iteration"));
        assertEquals(20, (int) done.metric("rounds"));
        assertEquals(progress.get(best + 1).metric("test-auc"), done.bestAuc(), 0.0,
                "best AUC is the validation AUC of the best round");
        assertEquals(Float.parseFloat(booster.getAttr("best_score")), done.bestAuc(), 1e-6);
        System.out.printf("20 rounds: best round %d, best test AUC %.4f, last round %.0f rows/s%n",
                best, done.bestAuc(), progress.get(20).throughput());

        Booster reference = XGBoost.train(train, params("auc"), 20, watches(test), null, null, null, 0);
        assertEquals(reference.getNumBoostedRound(), booster.getNumBoostedRound());
        assertEquals(reference.getAttrs(), booster.getAttrs());
        assertArrayEquals(flatten(reference.predict(test)), flatten(booster.predict(test)),
                "the same booster as XGBoost.train's for the same arguments");
    }

    @Test
    void earlyStoppingIsHonouredAndANonAucMetricGivesNoBestAuc() throws XGBoostError {
        RecordingEmitter events = new RecordingEmitter("xgb");
        Booster booster = XGBoostTrainer.forTarget("noise").emitter(events).position(1, 4).stage("fit")
                .train(train, params("logloss"), 300, watches(noise), 5);

        Booster reference = XGBoost.train(train, params("logloss"), 300, watches(noise), null, null, null, 5);
        int rounds = booster.getNumBoostedRound();
        assertTrue(rounds < 300, "stopped early, after " + rounds + " rounds");
        assertEquals(reference.getNumBoostedRound(), rounds);
        assertEquals(reference.getAttrs(), booster.getAttrs());
        int best = Integer.parseInt(booster.getAttr("best_iteration"));
        assertEquals(best + 5, rounds - 1, "stops 5 rounds after the best one, as XGBoost does");

        List<Call> progress = events.calls("progress");
        assertEquals(rounds + 1, progress.size());
        Call last = progress.get(rounds);
        assertEquals(rounds - 1, last.epoch());
        assertEquals("fit", last.stage());
        assertEquals(1, last.targetsComplete());
        assertEquals(4, last.targetsTotal());
        assertEquals(100.0 * (1 + rounds / 300.0) / 4, last.progressPct(), 1e-9, "percent of the whole stage");
        assertEquals(25.0, progress.get(0).progressPct(), 1e-9);
        assertEquals(List.of("train-logloss", "test-logloss"), List.copyOf(last.metrics().keySet()));

        Call done = events.calls("target_complete").get(0);
        assertEquals("success", done.status());
        assertTrue(Double.isNaN(done.bestAuc()), "logloss is not an AUC: best AUC is null");
        assertEquals(progress.get(best + 1).metric("test-logloss"), done.metric("test-logloss"), 0.0);
        assertEquals(rounds, (int) done.metric("rounds"));
        System.out.printf("early stopping: %d of 300 rounds, best round %d, test logloss %.4f%n",
                rounds, best, done.metric("test-logloss"));
    }

    @Test
    void aFailingTrainingIsReportedAsAnErrorAndAFailedTargetThenRethrown() {
        RecordingEmitter events = new RecordingEmitter("xgb");
        Map<String, Object> bad = params("auc");
        bad.put("objective", "binary:no_such_objective");

        XGBoostError thrown = assertThrows(XGBoostError.class, () -> XGBoostTrainer.forTarget("ret_1h")
                .emitter(events).train(train, bad, 10, watches(test), 0));

        assertEquals(List.of("progress", "error", "target_complete"), events.types());
        Call error = events.calls("error").get(0);
        assertEquals(XGBoostError.class.getName(), error.errorType());
        assertTrue(error.recoverable());
        assertFalse(error.errorMessage().contains("\n"), "the first line only: " + error.errorMessage());
        assertTrue(thrown.getMessage().contains(error.errorMessage()));
        assertTrue(error.errorMessage().contains("no_such_objective"), error.errorMessage());
        Call failed = events.calls("target_complete").get(0);
        assertEquals("failed", failed.status());
        assertEquals("ret_1h", failed.target());
        assertEquals(0, failed.modelsTrained());
        System.out.println("bad parameter reported as: " + error.errorMessage());
    }

    @Test
    void theLinesARealEmitterWritesAreValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("xgb-e2e")
                .socketPath(dir.resolve("absent.sock")).filePath(file).shutdownHook(false).build()) {
            XGBoostTrainer.forTarget("ret_5m").emitter(emitter).position(0, 2)
                    .train(train, params("auc"), 8, watches(test), 0);
            Map<String, Object> bad = params("auc");
            bad.put("objective", "binary:no_such_objective");
            assertThrows(XGBoostError.class, () -> XGBoostTrainer.forTarget("ret_1h").emitter(emitter)
                    .position(1, 2).train(train, bad, 8, watches(test), 0));
            assertTrue(emitter.flush());
        }
        List<JsonNode> lines = EventLines.readValid(file);
        List<JsonNode> progress = EventLines.ofType(lines, "progress");
        assertEquals(9 + 1, progress.size());
        JsonNode last = progress.get(8);
        assertEquals("ret_5m", last.get("current_target").asText());
        assertEquals(50.0, last.get("progress_pct").asDouble(), 1e-9);
        assertTrue(last.get("metrics").get("test-auc").asDouble() > 0.8, last.toString());
        if (last.has("epoch")) {
            assertEquals(7, last.get("epoch").asLong());
        }
        List<JsonNode> targets = EventLines.ofType(lines, "target_complete");
        assertEquals(2, targets.size());
        assertEquals("success", targets.get(0).get("status").asText());
        assertTrue(targets.get(0).get("best_auc").asDouble() > 0.8);
        assertEquals("failed", targets.get(1).get("status").asText());
        assertEquals(1, EventLines.ofType(lines, "error").size());
    }

    @Test
    void settingsThatCannotWorkAreRefusedWithTheFix() {
        IllegalArgumentException noTarget = assertThrows(IllegalArgumentException.class,
                () -> XGBoostTrainer.forTarget(" "));
        assertTrue(noTarget.getMessage().contains("forTarget"), noTarget.getMessage());
        IllegalArgumentException position = assertThrows(IllegalArgumentException.class,
                () -> XGBoostTrainer.forTarget("t").position(3, 3));
        assertTrue(position.getMessage().contains("position(3, 3)"), position.getMessage());
        assertThrows(IllegalArgumentException.class, () -> XGBoostTrainer.forTarget("t").stage(null));
    }

    @Test
    void evaluationLinesAreReadWithFullPrecision() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        XGBoostTrainer.parseEvalInfo("[3]\ttrain-auc:0.96547264398744315\ttest-auc:nan", metrics);
        assertEquals(0.96547264398744315, metrics.get("train-auc"));
        assertFalse(metrics.containsKey("test-auc"), "nan is left out");
        assertTrue(XGBoostTrainer.isAuc("test-auc"));
        assertFalse(XGBoostTrainer.isAuc("test-aucpr"));
    }

    private static float[] flatten(float[][] rows) {
        float[] flat = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            flat[i] = rows[i][0];
        }
        return flat;
    }
}
