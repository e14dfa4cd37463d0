package dev.foxml.training.events.xgboost4j;

import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.IEvaluation;
import ml.dmlc.xgboost4j.java.IObjective;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains an XGBoost4J booster for one target, as {@link XGBoost#train} does, and reports it:
 * a {@code progress} event per boosting round, then {@code target_complete}.
 *
 * <pre>{@code
 * Booster booster = XGBoostTrainer.forTarget("ret_5m")
 *         .position(2, 5)                // optional: targets done before this one, and in all
 *         .train(train, params, 200, Map.of("train", train, "test", test), 10);
 * }</pre>
 *
 * <p>What is reported:
 * <ul>
 *   <li>before the first round, {@code progress} for the target (no epoch yet);</li>
 *   <li>after each round, {@code progress} with {@code epoch} = the round (0-based, as XGBoost
 *       prints it), every evaluation metric of every watch as a metric named as XGBoost names it
 *       ({@code train-auc}, {@code test-logloss}, ...), the training rows per second of the round
 *       as throughput, and the percentage of rounds done (of the whole stage when
 *       {@link #position(int, int)} is given); the emitter derives the ETA from it;</li>
 *   <li>when training ends (all rounds, or early stopping), {@code target_complete} with status
 *       {@code success}, one model, and the best AUC: the score XGBoost ranks the rounds by (the
 *       last watch's metric) when that metric is {@code auc}, otherwise none; its metrics are the
 *       evaluation metrics of the best round, {@code best_iteration} and {@code rounds} (rounds
 *       boosted);</li>
 *   <li>when XGBoost throws (a bad parameter, bad data, a failing custom objective),
 *       {@code error} (the exception's class and the first line of its message, recoverable) and
 *       a {@code failed} target; then the exception is rethrown unchanged.</li>
 * </ul>
 *
 * <p>The booster is the one {@link XGBoost#train(DMatrix, Map, int, Map, float[][], IObjective,
 * IEvaluation, int, Booster)} returns for the same arguments: created the same way, updated
 * round by round the same way, with the same early stopping rule (the last watch's first metric,
 * its direction inferred as XGBoost infers it) and the same {@code best_iteration} and
 * {@code best_score} attributes. XGBoost's own per-round console lines are not printed: the
 * events replace them.
 *
 * <p>Events go to the emitter given with {@link #emitter(TrainingEventEmitter)}, or else to
 * {@link TrainingEvents#current()} as it is when {@code train} is called. Reporting never fails
 * training: emit calls do not throw.
 */
public final class XGBoostTrainer {

    /** The stage written on progress events unless {@link #stage(String)} says otherwise. */
    public static final String DEFAULT_STAGE = "training";

    private final String target;
    private TrainingEventEmitter emitter;
    private String stage = DEFAULT_STAGE;
    private int targetsComplete;
    private int targetsTotal = 1;
    private boolean positioned;

    private XGBoostTrainer(String target) {
        this.target = target;
    }

    /**
     * Starts the training of one target.
     *
     * @param target the target's name, written on every event
     * @return a trainer to configure, then {@code train}
     * @throws IllegalArgumentException when {@code target} is null or blank
     */
    public static XGBoostTrainer forTarget(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("XGBoostTrainer.forTarget: the target must be a non-blank name, "
                    + "e.g. forTarget(\"ret_5m\")");
        }
        return new XGBoostTrainer(target);
    }

    /**
     * The emitter to report to.
     *
     * @param emitter the emitter; {@code null} (the default) for {@link TrainingEvents#current()}
     *     at the time {@code train} is called
     * @return this trainer
     */
    public XGBoostTrainer emitter(TrainingEventEmitter emitter) {
        this.emitter = emitter;
        return this;
    }

    /**
     * The stage written on progress events.
     *
     * @param stage the stage; {@value #DEFAULT_STAGE} by default
     * @return this trainer
     * @throws IllegalArgumentException when {@code stage} is null or blank
     */
    public XGBoostTrainer stage(String stage) {
        if (stage == null || stage.isBlank()) {
            throw new IllegalArgumentException("XGBoostTrainer.stage: the stage must be a non-blank name, "
                    + "e.g. stage(\"training\"), or leave it unset for \"" + DEFAULT_STAGE + "\"");
        }
        this.stage = stage;
        return this;
    }

    /**
     * Where this target stands among all targets of the stage, for the dashboard's count and a
     * percentage (and ETA) of the whole stage: round {@code r} of {@code n} of this target is
     * reported as {@code 100 * (targetsComplete + (r + 1) / n) / targetsTotal} percent. Without
     * it, the percentage is that of this target's rounds, and the count is 0 of 1.
     *
     * @param targetsComplete targets finished before this one, 0 or more
     * @param targetsTotal all targets of the stage, more than {@code targetsComplete}
     * @return this trainer
     * @throws IllegalArgumentException when the counts are negative or this target does not fit
     */
    public XGBoostTrainer position(int targetsComplete, int targetsTotal) {
        if (targetsComplete < 0 || targetsTotal <= targetsComplete) {
            throw new IllegalArgumentException("XGBoostTrainer.position(" + targetsComplete + ", " + targetsTotal
                    + "): give the targets finished before this one (0 or more) and the number of all "
                    + "targets (more than that), e.g. position(2, 5) for the third target of five");
        }
        this.targetsComplete = targetsComplete;
        this.targetsTotal = targetsTotal;
        this.positioned = true;
        return this;
    }

    /**
     * Trains as {@code XGBoost.train(dtrain, params, rounds, watches, null, null, null,
     * earlyStoppingRounds)} does, reporting every round.
     *
     * @param dtrain the training data
     * @param params the booster's parameters
     * @param rounds the number of boosting rounds
     * @param watches the data sets to evaluate after each round, by name (the last one decides
     *     early stopping); use an ordered map (e.g. {@link LinkedHashMap}) when there are several
     * @param earlyStoppingRounds stop after this many rounds without improvement of the last
     *     watch's metric; 0 for no early stopping
     * @return the trained booster
     * @throws XGBoostError when XGBoost fails (reported as an error and a failed target first)
     */
    public Booster train(DMatrix dtrain, Map<String, Object> params, int rounds, Map<String, DMatrix> watches,
                         int earlyStoppingRounds) throws XGBoostError {
        return train(dtrain, params, rounds, watches, null, null, null, earlyStoppingRounds, null);
    }

    /**
     * Trains as {@link XGBoost#train(DMatrix, Map, int, Map, float[][], IObjective, IEvaluation,
     * int, Booster)} does, with the same arguments, reporting every round.
     *
     * @param dtrain the training data
     * @param params the booster's parameters
     * @param rounds the number of boosting rounds
     * @param watches the data sets to evaluate after each round, by name (the last one decides
     *     early stopping)
     * @param metrics where to store each watch's metric of each round ({@code [watch][round]}),
     *     or {@code null}
     * @param obj a custom objective, or {@code null}
     * @param eval a custom evaluation, or {@code null} for the booster's {@code eval_metric}
     * @param earlyStoppingRounds stop after this many rounds without improvement; 0 for never
     * @param booster a booster to go on training, or {@code null} for a new one
     * @return the trained booster
     * @throws XGBoostError when XGBoost fails (reported as an error and a failed target first)
     */
    public Booster train(DMatrix dtrain, Map<String, Object> params, int rounds, Map<String, DMatrix> watches,
                         float[][] metrics, IObjective obj, IEvaluation eval, int earlyStoppingRounds,
                         Booster booster) throws XGBoostError {
        TrainingEventEmitter events = emitter != null ? emitter : TrainingEvents.current();
        events.emitProgress(stage, percent(0, rounds), target, targetsComplete, targetsTotal,
                TrainingEventEmitter.UNKNOWN, TrainingEventEmitter.UNKNOWN, Double.NaN, null);
        try {
            Outcome outcome = boost(events, dtrain, params, rounds, watches, metrics, obj, eval,
                    earlyStoppingRounds, booster);
            events.emitTargetComplete(target, TargetStatus.SUCCESS, 1, outcome.bestAuc, outcome.metrics);
            return outcome.booster;
        } catch (XGBoostError | RuntimeException | Error e) {
            events.emitError(firstLine(e), e.getClass().getName(), !(e instanceof Error));
            events.emitTargetComplete(target, TargetStatus.FAILED, 0, Double.NaN);
            throw e;
        }
    }

    private record Outcome(Booster booster, double bestAuc, Map<String, Double> metrics) {
    }

    private Outcome boost(TrainingEventEmitter events, DMatrix dtrain, Map<String, Object> params, int rounds,
                          Map<String, DMatrix> watches, float[][] metrics, IObjective obj, IEvaluation eval,
                          int earlyStoppingRounds, Booster existing) throws XGBoostError {
        // Zero rounds of XGBoost.train itself: the booster is created (or re-parameterised)
        // exactly as XGBoost creates it, caches and feature names included.
        Booster booster = XGBoost.train(dtrain, params, 0, watches, null, null, null, 0, existing);

        List<String> names = new ArrayList<>(watches.size());
        List<DMatrix> mats = new ArrayList<>(watches.size());
        for (Map.Entry<String, DMatrix> watch : watches.entrySet()) {
            names.add(watch.getKey());
            mats.add(watch.getValue());
        }
        String[] evalNames = names.toArray(new String[0]);
        DMatrix[] evalMats = mats.toArray(new DMatrix[0]);
        float[][] history = metrics != null ? metrics : new float[evalMats.length][Math.max(rounds, 0)];
        double rows = dtrain.rowNum();

        boolean directionKnown = false;
        boolean maximize = false;
        float bestScore = 0;
        int bestIteration = 0;
        String scoreName = null;
        Map<String, Double> bestRoundMetrics = Map.of();
        int boosted = 0;
        for (int iter = 0; iter < rounds; iter++) {
            long start = System.nanoTime();
            if (obj != null) {
                booster.update(dtrain, iter, obj);
            } else {
                booster.update(dtrain, iter);
            }
            boosted = iter + 1;
            Map<String, Double> roundMetrics = new LinkedHashMap<>();
            boolean stop = false;
            if (evalMats.length > 0) {
                float[] out = new float[evalMats.length];
                String evalInfo;
                if (eval != null) {
                    evalInfo = booster.evalSet(evalMats, evalNames, eval, out);
                    for (int i = 0; i < out.length; i++) {
                        if (Float.isFinite(out[i])) {
                            roundMetrics.put(evalNames[i] + "-" + eval.getMetric(), (double) out[i]);
                        }
                    }
                } else {
                    evalInfo = booster.evalSet(evalMats, evalNames, iter, out);
                    parseEvalInfo(evalInfo, roundMetrics);
                }
                if (!directionKnown) {
                    maximize = XGBoost.isMaximizeEvaluation(evalInfo, evalNames, params);
                    bestScore = maximize ? -Float.MAX_VALUE : Float.MAX_VALUE;
                    scoreName = scoreName(evalInfo, evalNames, eval);
                    directionKnown = true;
                }
                for (int i = 0; i < out.length; i++) {
                    history[i][iter] = out[i];
                }
                // As XGBoost: the last watch's score decides, no update when equal.
                float score = out[out.length - 1];
                if (maximize ? score > bestScore : score < bestScore) {
                    bestScore = score;
                    bestIteration = iter;
                    booster.setAttr("best_iteration", String.valueOf(bestIteration));
                    booster.setAttr("best_score", String.valueOf(bestScore));
                    bestRoundMetrics = roundMetrics;
                }
                stop = earlyStoppingRounds > 0 && iter - bestIteration >= earlyStoppingRounds;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            events.emitProgress(stage, percent(iter + 1, rounds), target, targetsComplete, targetsTotal,
                    iter, TrainingEventEmitter.UNKNOWN, seconds > 0 ? rows / seconds : Double.NaN, roundMetrics);
            if (stop) {
                break;
            }
        }

        Map<String, Double> summary = new LinkedHashMap<>(bestRoundMetrics);
        double bestAuc = Double.NaN;
        if (scoreName != null) {
            summary.put("best_iteration", (double) bestIteration);
            if (isAuc(scoreName)) {
                Double precise = bestRoundMetrics.get(scoreName);
                bestAuc = precise != null ? precise : bestScore;
            }
        }
        summary.put("rounds", (double) boosted);
        return new Outcome(booster, bestAuc, Collections.unmodifiableMap(summary));
    }

    /** Percent of the rounds, or of the whole stage when the target's position is known. */
    private double percent(int roundsDone, int rounds) {
        double fraction = rounds <= 0 ? 1.0 : Math.min(1.0, (double) roundsDone / rounds);
        if (!positioned) {
            return 100.0 * fraction;
        }
        return 100.0 * (targetsComplete + fraction) / targetsTotal;
    }

    /**
     * Reads XGBoost's evaluation line, {@code [3]\ttrain-auc:0.965\ttest-auc:0.946}, into name to
     * value, with the full precision XGBoost printed (the float array it fills has less); a value
     * that is not a finite number is left out.
     */
    static void parseEvalInfo(String evalInfo, Map<String, Double> into) {
        for (String pair : evalInfo.split("\t")) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || pair.startsWith("[")) {
                continue;
            }
            String name = pair.substring(0, colon).trim();
            String value = pair.substring(colon + 1).trim();
            try {
                double parsed = Double.parseDouble(value);
                if (Double.isFinite(parsed)) {
                    into.put(name, parsed);
                }
            } catch (NumberFormatException notANumber) {
                // "nan", "-nan", "inf" (an AUC of a watch with one class): no value this round.
            }
        }
    }

    /** The name of the metric early stopping ranks rounds by: the last watch's first metric. */
    private static String scoreName(String evalInfo, String[] evalNames, IEvaluation eval) {
        String last = evalNames[evalNames.length - 1];
        if (eval != null) {
            return last + "-" + eval.getMetric();
        }
        Map<String, Double> all = new LinkedHashMap<>();
        parseEvalInfo(evalInfo, all);
        for (String name : all.keySet()) {
            if (name.startsWith(last + "-")) {
                return name;
            }
        }
        return null;
    }

    /** {@code test-auc} is an AUC; {@code test-aucpr} (area under precision-recall) is not. */
    static boolean isAuc(String metricName) {
        int dash = metricName.lastIndexOf('-');
        String metric = dash >= 0 ? metricName.substring(dash + 1) : metricName;
        return metric.equals("auc") || metric.startsWith("auc@");
    }

    /** XGBoost's native messages carry a stack trace after the first line; the dashboard needs the first. */
    private static String firstLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getName();
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }

    @Override
    public String toString() {
        return "XGBoostTrainer[target=" + target + ", stage=" + stage
                + (positioned ? ", position=" + targetsComplete + "/" + targetsTotal : "") + "]";
    }
}
