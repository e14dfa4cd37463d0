package dev.foxml.training.examples.trainer;

import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEvents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Java port of the Python trainer's {@code IntelligentTrainer._run_training_stages}: ranks the targets,
 * selects features for each, trains models for each and reports the best AUC, emitting through
 * the {@link TrainingEvents} facade exactly the events the Python trainer emits at each point:
 *
 * <ol>
 *   <li>{@code stage_change(null, ranking)}, {@code progress(ranking, 0)}, then after ranking
 *       {@code progress(ranking, 100, targets_total=n)};</li>
 *   <li>{@code stage_change(ranking, feature_selection)} and, before each target i,
 *       {@code progress(feature_selection, i/n*100, target, i, n)};</li>
 *   <li>{@code stage_change(feature_selection, training)} and, before each target,
 *       {@code progress(training, i/n*100, target, i, n)}, after it
 *       {@code target_complete(target, success|failed, models, best_auc)};</li>
 *   <li>{@code progress(training, 100, n, n)} and {@code run_complete(success)}.</li>
 * </ol>
 *
 * <p>Where the Python trainer is silent this port adds only what it must say: a target whose training
 * throws is reported with an {@code error} (recoverable) just before its {@code failed}
 * {@code target_complete}, and the run goes on, as in the Python trainer, ending {@code success}. A failure
 * outside a target's training ends the run with an {@code error} (not recoverable) and
 * {@code run_complete(failed)} before the exception propagates.
 *
 * <p>Nothing here sleeps: the time a run takes is the time its models take to train.
 */
public final class IntelligentTrainer {

    /** Stage 1, as the Python trainer names it. */
    public static final String RANKING = "ranking";
    /** Stage 2, as the Python trainer names it. */
    public static final String FEATURE_SELECTION = "feature_selection";
    /** Stage 3, as the Python trainer names it. */
    public static final String TRAINING = "training";

    private final TrainerConfig config;
    private final Consumer<String> log;

    /**
     * @param config what to train
     * @param log where progress notes for a human go (the events go to the facade regardless)
     */
    public IntelligentTrainer(TrainerConfig config, Consumer<String> log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Runs the three stages as run {@code runId}: initialises the facade for the run and shuts
     * it down at the end, whatever happens.
     *
     * @return what each target produced
     * @throws RuntimeException what failed outside a single target's training, after it was
     *     reported as an {@code error} and a {@code failed} run
     */
    public RunSummary run(String runId) {
        long started = System.nanoTime();
        TrainingEvents.init(runId);
        try {
            List<TargetOutcome> results = runTrainingStages();
            return new RunSummary(runId, results, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException | Error fatal) {
            TrainingEvents.emitError(fatal, false);
            TrainingEvents.emitRunComplete(RunStatus.FAILED);
            throw fatal;
        } finally {
            TrainingEvents.shutdown();
        }
    }

    private List<TargetOutcome> runTrainingStages() {
        // Stage 1: target ranking
        TrainingEvents.emitStageChange(null, RANKING);
        TrainingEvents.emitProgress(RANKING, 0);

        log.accept(String.format("generating %,d rows of market data for %d targets",
                config.rows(), config.targets().size()));
        MarketData data = MarketDataGenerator.generate(config.rows(), config.targets(), config.seed());
        Map<TargetSpec, Double> ranking = new TargetRanker(config).rank(data, config.targets());
        List<TargetSpec> targets = new ArrayList<>(ranking.keySet());
        ranking.forEach((target, auc) -> log.accept(String.format("ranked %-9s quick AUC %s",
                target.name(), Double.isNaN(auc) ? "n/a" : String.format("%.3f", auc))));
        int total = targets.size();

        TrainingEvents.emitProgress(RANKING, 100, null, 0, total);

        // Stage 2: feature selection
        TrainingEvents.emitStageChange(RANKING, FEATURE_SELECTION);
        MutualInformationSelector selector = new MutualInformationSelector(config.featuresPerTarget());
        List<List<String>> features = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            TargetSpec target = targets.get(i);
            TrainingEvents.emitProgress(FEATURE_SELECTION, percent(i, total), target.name(), i, total);
            List<String> selected = selector.select(data, target);
            features.add(selected);
            log.accept(String.format("selected for %-9s %s", target.name(), selected));
        }

        // Stage 3: model training
        TrainingEvents.emitStageChange(FEATURE_SELECTION, TRAINING);
        TargetModels models = new TargetModels(config);
        List<TargetOutcome> results = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            TargetSpec target = targets.get(i);
            TrainingEvents.emitProgress(TRAINING, percent(i, total), target.name(), i, total);

            TargetOutcome result = trainTarget(models, data, target, features.get(i));
            results.add(result);

            TrainingEvents.emitTargetComplete(target.name(),
                    result.success() ? TargetStatus.SUCCESS : TargetStatus.FAILED,
                    result.modelsTrained(), result.bestAuc(), result.metrics());
        }

        TrainingEvents.emitProgress(TRAINING, 100, null, total, total);
        TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
        return results;
    }

    private TargetOutcome trainTarget(TargetModels models, MarketData data, TargetSpec target, List<String> features) {
        long started = System.nanoTime();
        try {
            TargetOutcome result = models.train(data, target, features);
            StringBuilder aucs = new StringBuilder();
            result.aucByModel().forEach((model, auc) -> aucs.append(String.format(" %s=%.3f", model, auc)));
            log.accept(String.format("trained   %-9s %d models in %.1f s, best AUC %.3f (%s);%s",
                    target.name(), result.modelsTrained(), (System.nanoTime() - started) / 1e9,
                    result.bestAuc(), result.bestModel(), aucs));
            return result;
        } catch (RuntimeException e) {
            // As in the Python trainer, one target failing does not stop the run; the error says why.
            TrainingEvents.emitError(e, true);
            log.accept(String.format("FAILED    %-9s %s", target.name(), e.getMessage()));
            return TargetOutcome.failed(target.name(), features, e);
        }
    }

    private static double percent(int done, int total) {
        return (double) done / total * 100;
    }

    /**
     * What a run produced.
     *
     * @param runId the run's id
     * @param results one result per target, in training (ranked) order
     * @param duration wall time of the run
     */
    public record RunSummary(String runId, List<TargetOutcome> results, Duration duration) {

        public RunSummary {
            results = List.copyOf(results);
        }

        /** Targets that trained successfully. */
        public long succeeded() {
            return results.stream().filter(TargetOutcome::success).count();
        }
    }
}
