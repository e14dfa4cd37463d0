package dev.foxml.training.examples.frameworks;

import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.events.xgboost4j.XGBoostTrainer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A per-target XGBoost4J trainer reporting through {@code emitter-xgboost4j}: one booster per
 * target on generated data, each round a progress event with the train and test AUC, early
 * stopping on the test AUC. Events go where {@code emitter-core} sends them (the socket and file
 * of {@code FOXML_TRAINING_EVENT_SOCKET} / {@code FOXML_TRAINING_EVENT_FILE}).
 *
 * <pre>
 * XGBoostExample [--run-id ID] [--rows N] [--rounds N]
 * </pre>
 */
public final class XGBoostExample {

    /** Targets of different difficulty: how strongly the label follows the features. */
    private static final Map<String, Double> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("ret_5m", 0.4);
        TARGETS.put("ret_15m", 0.7);
        TARGETS.put("ret_1h", 1.0);
        TARGETS.put("vol_1h", 1.5);
    }

    private static final int FEATURES = 20;

    private XGBoostExample() {
    }

    /**
     * Trains every target and exits: 0 when the run succeeded, 1 when it failed, 2 on bad options.
     *
     * @param args {@code --run-id ID}, {@code --rows N}, {@code --rounds N}
     * @throws Exception never in practice: a failure is reported and ends the process with 1
     */
    public static void main(String[] args) throws Exception {
        String runId = "xgboost-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        int rows = 20_000;
        int rounds = 300;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--run-id" -> runId = args[i + 1];
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: XGBoostExample [--run-id ID] [--rows N] [--rounds N]");
                    System.exit(2);
                }
            }
        }
        System.out.println("training run " + runId);
        int trainRows = rows;
        int trainRounds = rounds;
        try {
            // success when it returns; an error event and "failed" when it throws (rethrown here)
            TrainingEvents.run(runId, () -> train(TrainingEvents.current(), trainRows, trainRounds));
        } catch (Exception | Error e) {
            System.err.println("run " + runId + " failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void train(TrainingEventEmitter emitter, int rows, int rounds) throws XGBoostError {
        emitter.emitStageChange("training");
        List<String> targets = List.copyOf(TARGETS.keySet());
        for (int i = 0; i < targets.size(); i++) {
            String target = targets.get(i);
            Random random = new Random(17 + i);
            DMatrix train = matrix(random, rows, TARGETS.get(target));
            DMatrix test = matrix(random, rows / 4, TARGETS.get(target));
            Map<String, DMatrix> watches = new LinkedHashMap<>();
            watches.put("train", train);
            watches.put("test", test);
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "binary:logistic");
            params.put("eval_metric", "auc");
            params.put("max_depth", 6);
            params.put("eta", 0.05);
            params.put("subsample", 0.8);
            params.put("nthread", 1);
            params.put("seed", 7);
            params.put("verbosity", 0);
            Booster booster = XGBoostTrainer.forTarget(target).emitter(emitter).position(i, targets.size())
                    .train(train, params, rounds, watches, 25);
            System.out.printf("%-8s %d rounds, best round %s, test AUC %s%n", target,
                    booster.getNumBoostedRound(), booster.getAttr("best_iteration"), booster.getAttr("best_score"));
            booster.dispose();
            train.dispose();
            test.dispose();
        }
        emitter.emitProgress("training", 100.0, null, targets.size(), targets.size());
    }

    /** Rows whose label follows a non-linear score of the features, {@code signal} times stronger than noise. */
    private static DMatrix matrix(Random random, int rows, double signal) throws XGBoostError {
        float[] x = new float[rows * FEATURES];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double score = 0;
            for (int f = 0; f < FEATURES; f++) {
                float v = (float) random.nextGaussian();
                x[r * FEATURES + f] = v;
                if (f < 8) {
                    score += (f % 2 == 0 ? v : v * v - 1) * 0.4;
                }
            }
            y[r] = signal * score + random.nextGaussian() > 0 ? 1f : 0f;
        }
        DMatrix m = new DMatrix(x, rows, FEATURES, Float.NaN);
        m.setLabel(y);
        return m;
    }
}
