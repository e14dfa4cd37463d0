package dev.foxml.training.events;

import dev.foxml.training.events.spi.TrainingEventEmitterProvider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The static helpers trainer code calls, and run scopes.
 *
 * <pre>{@code
 * TrainingEvents.init("run-42");
 * TrainingEvents.emitStageChange("training");
 * TrainingEvents.emitProgress("training", 40.0, "ret_5m", 2, 5);
 * TrainingEvents.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 3, 0.71);
 * TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
 * TrainingEvents.shutdown();
 * }</pre>
 *
 * <p><b>The current emitter.</b> The {@code emit...} helpers and
 * {@link #forEachTarget(String, List, TargetTask)} report to the current emitter: the one
 * {@link #init(String)} created or {@link #install(TrainingEventEmitter)} was given, until
 * {@link #shutdown()}, a later {@code init}/{@code install}, or until it is closed (by
 * try-with-resources, a {@link TrainingRun}, or its own {@code close()}). While none is current the
 * helpers discard their events, and the first one discarded is reported by one warning on
 * standard error (again after each time an emitter stopped being current). No helper ever throws.
 *
 * <p><b>Run scopes.</b> {@link #run(String, RunBody)} reports {@code run_complete "success"} when its
 * body returns and {@code "failed"} (with an {@code error} event) when it throws;
 * {@link #start(String)} gives a {@link TrainingRun} for try-with-resources, which reports
 * {@code success} only when its block called {@link TrainingRun#markSucceeded()}.
 *
 * <p><b>Emitters made in code.</b> An emitter built with its implementation's builder (heartbeat,
 * tags, timeouts set in code) is made current with {@link #install(TrainingEventEmitter)}, or used
 * without being current by the helpers that take it: {@link #run(TrainingEventEmitter, RunBody)},
 * {@link #start(TrainingEventEmitter)} and
 * {@link #forEachTarget(TrainingEventEmitter, String, List, TargetWork)}. Several runs in one JVM
 * (the trials of a hyperparameter search, even concurrent ones) each use their own emitter this way.
 *
 * <p>The implementation is found with {@link ServiceLoader} the first time {@link #init(String)}
 * runs: the {@link TrainingEventEmitterProvider} of {@code emitter-core}, or the one whose class
 * name the system property {@value #PROVIDER_PROPERTY} gives. With none on the class path, one
 * warning goes to standard error and events are discarded.
 *
 * <p>Its size is its documentation: one static helper per emit method and run scope, each with the
 * javadoc a trainer reads in the IDE; the code itself is a few lines per helper.
 */
public final class TrainingEvents {

    /** System property naming the provider class to use when several are on the class path. */
    public static final String PROVIDER_PROPERTY = "foxml.training.event.provider";

    private static final Object PROVIDER_LOCK = new Object();
    private static final AtomicReference<TrainingEventEmitter> CURRENT = new AtomicReference<>();
    /** Whether the present period with no current emitter has been warned about. */
    private static final AtomicBoolean NOTHING_CURRENT_WARNED = new AtomicBoolean();
    private static TrainingEventEmitterProvider provider;
    private static boolean providerLookedUp;

    private TrainingEvents() {
    }

    /**
     * Creates the emitter for a run and makes it current, closing the one that was current.
     *
     * @param runId the run id written on every line
     * @return the new current emitter (a no-op one when no implementation is on the class path)
     * @throws IllegalArgumentException when the configuration in the environment or system
     *     properties is unusable (for example a socket path that is too long); the message says
     *     what to fix. Nothing else is thrown.
     */
    public static TrainingEventEmitter init(String runId) {
        return init(runId, null);
    }

    /**
     * As {@link #init(String)}, with the run's hyperparameters, written once as the
     * {@code params} object of the {@code run_start} event in the map's order: name to a string,
     * number, boolean or {@code null} (other values as their {@code String.valueOf}). The map is
     * read before this method returns.
     *
     * @param runId the run id written on every line
     * @param params hyperparameters, e.g. {@code Map.of("learning_rate", 0.05, "max_depth", 6)};
     *     {@code null} or empty for none
     * @return the new current emitter (a no-op one when no implementation is on the class path)
     * @throws IllegalArgumentException as {@link #init(String)}, and when {@code params} has more
     *     names than the implementation takes or a blank name
     */
    public static TrainingEventEmitter init(String runId, java.util.Map<String, ?> params) {
        TrainingEventEmitterProvider found = provider();
        TrainingEventEmitter created;
        if (found == null) {
            created = new NoopTrainingEventEmitter(runId);
        } else {
            try {
                created = params == null ? found.create(runId) : found.create(runId, params);
            } catch (IllegalArgumentException configurationError) {
                throw configurationError;
            } catch (RuntimeException | LinkageError e) {
                warn("the training event emitter could not be created (" + e
                        + "); events of run " + runId + " are discarded.");
                created = new NoopTrainingEventEmitter(runId);
            }
        }
        TrainingEventEmitter previous = install(created);
        if (previous != null && previous != created) {
            previous.close();
        }
        return created;
    }

    /**
     * Makes {@code emitter} the current one, the emitter the static helpers report to: for an
     * emitter built in code (with {@code emitter-core}'s builder, say) rather than by
     * {@link #init(String)}. The previous current emitter is returned as it is, not closed.
     * Closing {@code emitter} later makes none current.
     *
     * <pre>{@code
     * TrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("run-42")
     *         .heartbeat(Duration.ofSeconds(10))
     *         .build();
     * TrainingEvents.install(emitter);
     * TrainingEvents.run(emitter, () -> train());   // train() may use the static helpers
     * }</pre>
     *
     * @param emitter the emitter to make current; {@code null} makes none current
     * @return the emitter that was current before, or {@code null} when none was
     */
    public static TrainingEventEmitter install(TrainingEventEmitter emitter) {
        TrainingEventEmitter previous = CURRENT.getAndSet(emitter);
        if (emitter != null) {
            NOTHING_CURRENT_WARNED.set(false);
        }
        return previous;
    }

    /**
     * Starts a run as a scope: {@link #init(String)}, and a {@link TrainingRun} whose
     * {@code close()} reports {@code run_complete "success"} if the block called
     * {@link TrainingRun#markSucceeded()}, {@code "failed"} otherwise, and shuts the emitter down.
     *
     * <pre>{@code
     * try (TrainingRun run = TrainingEvents.start("run-42")) {
     *     train();
     *     run.markSucceeded();
     * }
     * }</pre>
     *
     * @param runId the run id written on every line
     * @return the run, to close when training ends (try-with-resources)
     * @throws IllegalArgumentException as {@link #init(String)}
     */
    public static TrainingRun start(String runId) {
        return new TrainingRun(init(runId));
    }

    /**
     * Starts a run as a scope on an emitter made by the caller, as {@link #start(String)} does on
     * a new one: closing the run reports how it ended and closes {@code emitter}. The emitter is
     * not made current (see {@link #install(TrainingEventEmitter)}).
     *
     * @param emitter the run's emitter; {@code null} reports nothing (with one warning)
     * @return the run, to close when training ends (try-with-resources)
     */
    public static TrainingRun start(TrainingEventEmitter emitter) {
        return new TrainingRun(emitter != null ? emitter : NothingCurrentEmitter.INSTANCE);
    }

    /**
     * Runs {@code body} as the run {@code runId}: {@code run_complete "success"} when it returns;
     * when it throws, an {@code error} event (the exception's class as type, its message) and
     * {@code run_complete "failed"}, then the exception is rethrown unchanged. The emitter is
     * current while the body runs, and flushed and closed either way.
     *
     * <p>A body that throws no checked exception makes this method throw none:
     * {@code TrainingEvents.run("run-42", () -> train())} compiles in a {@code main} without
     * {@code throws}.
     *
     * @param <E> the checked exception the body throws, inferred from it
     * @param runId the run id written on every line
     * @param body the training
     * @throws IllegalArgumentException as {@link #init(String)}, before {@code body} runs
     * @throws E whatever {@code body} throws
     */
    public static <E extends Exception> void run(String runId, RunBody<E> body) throws E {
        runScoped(start(runId), body);
    }

    /**
     * Runs {@code body} as the run of {@code emitter}, an emitter made by the caller, as
     * {@link #run(String, RunBody)} does with a new one: {@code run_complete "success"} when it
     * returns, an {@code error} event and {@code "failed"} when it throws (rethrown unchanged);
     * {@code emitter} is flushed and closed either way. The emitter is not made current: the body
     * reports to it directly, or it is {@link #install(TrainingEventEmitter) installed} first.
     *
     * @param <E> the checked exception the body throws, inferred from it
     * @param emitter the run's emitter; {@code null} reports nothing (with one warning)
     * @param body the training
     * @throws E whatever {@code body} throws
     */
    public static <E extends Exception> void run(TrainingEventEmitter emitter, RunBody<E> body) throws E {
        runScoped(start(emitter), body);
    }

    private static <E extends Exception> void runScoped(TrainingRun scope, RunBody<E> body) throws E {
        try (TrainingRun run = scope) {
            try {
                body.run();
            } catch (Throwable t) {
                run.fail(t);
                throw t;
            }
            run.markSucceeded();
        }
    }

    /**
     * Runs {@code task} for each target in order, reporting as a multi-target trainer does: before
     * each, {@code progress} with the target, how many are done, the total and the percentage;
     * after each, {@code target_complete} with the task's result; at the end, {@code progress} at
     * 100%. A task that throws is reported as an {@code error} event (recoverable) and a
     * {@code failed} target, and the loop goes on with the next target; only an {@link Error}
     * (such as {@link OutOfMemoryError}) stops the loop, reported as not recoverable and rethrown.
     * Events go to {@link #current()}: while none is current the tasks run unreported (with one
     * warning). For progress within each target, use
     * {@link #forEachTarget(TrainingEventEmitter, String, List, TargetWork)}.
     *
     * @param stage the stage written on the {@code progress} events
     * @param targets the targets, in the order to run them
     * @param task the work for one target
     * @return the result of each target, in order (a failed one as {@link TargetResult#failed(int)})
     */
    public static List<TargetResult> forEachTarget(String stage, List<String> targets, TargetTask task) {
        return unchecked(() -> forEachTarget(current(), stage, targets, OnTargetFailure.CONTINUE, adapt(task)));
    }

    /**
     * As {@link #forEachTarget(String, List, TargetTask)}, choosing what happens after a
     * target's task throws: with {@link OnTargetFailure#STOP} the {@code error} event is marked not
     * recoverable and the exception is rethrown after the target is reported failed.
     *
     * @param stage the stage written on the {@code progress} events
     * @param targets the targets, in the order to run them
     * @param onFailure whether the loop goes on or stops after a task throws
     * @param task the work for one target
     * @return the result of each target, in order (a failed one as {@link TargetResult#failed(int)})
     * @throws Exception the task's exception, with {@link OnTargetFailure#STOP} (and an
     *     {@link Error} always)
     */
    public static List<TargetResult> forEachTarget(String stage, List<String> targets,
                                                   OnTargetFailure onFailure, TargetTask task)
            throws Exception {
        return forEachTarget(current(), stage, targets, onFailure, adapt(task));
    }

    /**
     * As {@link #forEachTarget(String, List, TargetTask)}, reporting to {@code emitter}, and giving
     * each task a {@link TargetContext}: the target's name, index and the total, and progress
     * reporting within the target that computes the stage's overall percentage.
     *
     * <pre>{@code
     * TrainingEvents.forEachTarget(emitter, "training", List.of("ret_5m", "ret_15m"), target -> {
     *     for (int epoch = 0; epoch < 10; epoch++) {
     *         double loss = trainEpoch(target.target());
     *         target.epochEnded(epoch, 10, Map.of("loss", loss));   // 5%, 10%, ... 50%, then 55% ...
     *     }
     *     return TargetResult.success(1, auc(target.target()));
     * });
     * }</pre>
     *
     * With the current emitter, pass {@link #current()}.
     *
     * @param emitter the emitter to report to; {@code null} reports nothing (with one warning)
     * @param stage the stage written on the {@code progress} events
     * @param targets the targets, in the order to run them
     * @param task the work for one target
     * @return the result of each target, in order (a failed one as {@link TargetResult#failed(int)})
     */
    public static List<TargetResult> forEachTarget(TrainingEventEmitter emitter, String stage,
                                                   List<String> targets, TargetWork task) {
        return unchecked(() -> forEachTarget(emitter, stage, targets, OnTargetFailure.CONTINUE, task));
    }

    /**
     * As {@link #forEachTarget(TrainingEventEmitter, String, List, TargetWork)}, choosing what
     * happens after a target's task throws, as
     * {@link #forEachTarget(String, List, OnTargetFailure, TargetTask)} does.
     *
     * @param emitter the emitter to report to; {@code null} reports nothing (with one warning)
     * @param stage the stage written on the {@code progress} events
     * @param targets the targets, in the order to run them
     * @param onFailure whether the loop goes on or stops after a task throws
     * @param task the work for one target
     * @return the result of each target, in order (a failed one as {@link TargetResult#failed(int)})
     * @throws Exception the task's exception, with {@link OnTargetFailure#STOP} (and an
     *     {@link Error} always)
     */
    public static List<TargetResult> forEachTarget(TrainingEventEmitter emitter, String stage,
                                                   List<String> targets, OnTargetFailure onFailure,
                                                   TargetWork task) throws Exception {
        TrainingEventEmitter to = emitter != null ? emitter : NothingCurrentEmitter.INSTANCE;
        int total = targets.size();
        List<TargetResult> results = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            String target = targets.get(i);
            to.emitProgress(stage, 100.0 * i / total, target, i, total);
            TargetResult result;
            try {
                result = task.run(new TargetContext(to, stage, target, i, total));
            } catch (Throwable failure) {
                boolean stop = onFailure == OnTargetFailure.STOP || failure instanceof Error;
                to.emitError(failure, !stop);
                to.emitTargetComplete(target, TargetStatus.FAILED, 0, Double.NaN);
                results.add(TargetResult.failed(0));
                if (stop) {
                    throw failure;
                }
                continue;
            }
            if (result == null) {
                result = new TargetResult(TargetStatus.SUCCESS, 0, Double.NaN, null);
            }
            to.emitTargetComplete(target, result.status(), result.modelsTrained(), result.bestAuc(),
                    result.metrics());
            results.add(result);
        }
        to.emitProgress(stage, 100.0, null, total, total);
        return results;
    }

    private static TargetWork adapt(TargetTask task) {
        return context -> task.run(context.target());
    }

    /** A loop that continues after a task's exception throws only unchecked ones. */
    private static List<TargetResult> unchecked(RunLoop loop) {
        try {
            return loop.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @FunctionalInterface
    private interface RunLoop {
        List<TargetResult> run() throws Exception;
    }

    /**
     * The current emitter.
     *
     * @return the emitter {@link #init(String)} or {@link #install(TrainingEventEmitter)} made
     *     current; never {@code null}: while none is current (before {@code init}, after
     *     {@link #shutdown()}, or once the current one was closed) an emitter that discards
     *     events, warning once, and whose run id is the empty string
     */
    public static TrainingEventEmitter current() {
        TrainingEventEmitter emitter = live();
        return emitter != null ? emitter : NothingCurrentEmitter.INSTANCE;
    }

    /**
     * Whether events are being reported.
     *
     * @return whether an emitter is current: made so by {@link #init(String)} or
     *     {@link #install(TrainingEventEmitter)}, and not shut down or closed since
     */
    public static boolean isInitialized() {
        return live() != null;
    }

    /** The current emitter, or {@code null}; a closed one stops being current here. */
    private static TrainingEventEmitter live() {
        TrainingEventEmitter emitter = CURRENT.get();
        if (emitter != null && emitter.isClosed()) {
            // Only this one: an emitter installed meanwhile stays current.
            CURRENT.compareAndSet(emitter, null);
            return null;
        }
        return emitter;
    }

    /** An event went to no emitter: one warning per period with none current. */
    static void warnNothingCurrent(String eventType) {
        if (NOTHING_CURRENT_WARNED.compareAndSet(false, true)) {
            warn("a " + eventType + " event was reported while no training event emitter is current"
                    + " (before TrainingEvents.init or install, after shutdown, or after the current"
                    + " emitter was closed); it is discarded, and so are later ones until an emitter"
                    + " is current. Call TrainingEvents.init(runId) or TrainingEvents.install(emitter) first.");
        }
    }

    /**
     * Reports overall progress of a stage through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param stage the stage, e.g. {@code "training"}
     * @param progressPct overall progress in percent; clamped to [0, 100], NaN written as {@code null}
     */
    public static void emitProgress(String stage, double progressPct) {
        current().emitProgress(stage, progressPct);
    }

    /**
     * Reports progress with the target being worked on through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double, String, int, int)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param stage the current stage
     * @param progressPct overall progress in percent; clamped to [0, 100], NaN written as {@code null}
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     */
    public static void emitProgress(String stage, double progressPct, String currentTarget,
                                    int targetsComplete, int targetsTotal) {
        current().emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
    }

    /**
     * Reports progress with custom metrics through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double, String, int, int, java.util.Map)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param stage the current stage
     * @param progressPct overall progress in percent; clamped to [0, 100], NaN written as {@code null}
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public static void emitProgress(String stage, double progressPct, String currentTarget,
                                    int targetsComplete, int targetsTotal,
                                    Map<String, ? extends Number> metrics) {
        current().emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, metrics);
    }

    /**
     * Reports progress of a training loop (epoch, step, throughput) through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double, String, int, int, long, long, double, java.util.Map)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param stage the current stage
     * @param progressPct progress of the stage in percent, clamped to [0, 100]
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     * @param epoch the epoch or round; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param step the step; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param throughput items per second; NaN for none
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public static void emitProgress(String stage, double progressPct, String currentTarget,
                                    int targetsComplete, int targetsTotal,
                                    long epoch, long step, double throughput,
                                    Map<String, ? extends Number> metrics) {
        current().emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal,
                epoch, step, throughput, metrics);
    }

    /**
     * Reports progress of a training loop through the current emitter, the emitter computing the
     * throughput from the items processed so far, as
     * {@link TrainingEventEmitter#emitProgressWithItemCount(String, double, String, int, int, long, long, long, java.util.Map)};
     * while no emitter is current the event is discarded (see {@link #current()}). Never throws.
     *
     * @param stage the current stage
     * @param progressPct progress of the stage in percent, clamped to [0, 100]
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     * @param epoch the epoch or round; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param step the step; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param itemsProcessed items processed so far, cumulative; {@link TrainingEventEmitter#UNKNOWN} for none
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public static void emitProgressWithItemCount(String stage, double progressPct, String currentTarget,
                                                 int targetsComplete, int targetsTotal,
                                                 long epoch, long step, long itemsProcessed,
                                                 java.util.Map<String, ? extends Number> metrics) {
        current().emitProgressWithItemCount(stage, progressPct, currentTarget, targetsComplete, targetsTotal,
                epoch, step, itemsProcessed, metrics);
    }

    /**
     * Reports that the run entered a stage through the current emitter, as
     * {@link TrainingEventEmitter#emitStageChange(String)} (the stage left is the one last reported);
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param newStage the stage entered
     */
    public static void emitStageChange(String newStage) {
        current().emitStageChange(newStage);
    }

    /**
     * Reports that the run left one stage for another through the current emitter, as
     * {@link TrainingEventEmitter#emitStageChange(String, String)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param previousStage the stage left, or {@code null} when the run is starting
     * @param newStage the stage entered
     */
    public static void emitStageChange(String previousStage, String newStage) {
        current().emitStageChange(previousStage, newStage);
    }

    /**
     * Reports a finished target with no models and no AUC through the current emitter, as
     * {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     */
    public static void emitTargetComplete(String target, TargetStatus status) {
        current().emitTargetComplete(target, status);
    }

    /**
     * Reports a finished target through the current emitter, as
     * {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus, int, double)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     * @param modelsTrained how many models were trained; a negative value is written as 0
     * @param bestAuc the best AUC reached, or {@code Double.NaN} for none
     */
    public static void emitTargetComplete(String target, TargetStatus status, int modelsTrained,
                                          double bestAuc) {
        current().emitTargetComplete(target, status, modelsTrained, bestAuc);
    }

    /**
     * Reports a finished target with custom metrics through the current emitter, as
     * {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus, int, double, java.util.Map)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     * @param modelsTrained how many models were trained; a negative value is written as 0
     * @param bestAuc the best AUC reached, or {@code Double.NaN} for none
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public static void emitTargetComplete(String target, TargetStatus status, int modelsTrained,
                                          double bestAuc, Map<String, ? extends Number> metrics) {
        current().emitTargetComplete(target, status, modelsTrained, bestAuc, metrics);
    }

    /**
     * Reports the end of the run through the current emitter, as
     * {@link TrainingEventEmitter#emitRunComplete(RunStatus)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param status how the run ended; {@code null} is written as {@code "failed"}
     */
    public static void emitRunComplete(RunStatus status) {
        current().emitRunComplete(status);
    }

    /**
     * Reports an error through the current emitter, as
     * {@link TrainingEventEmitter#emitError(String, String, boolean)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param errorMessage what went wrong
     * @param errorType a classification, e.g. an exception's class name
     * @param recoverable whether training goes on
     */
    public static void emitError(String errorMessage, String errorType, boolean recoverable) {
        current().emitError(errorMessage, errorType, recoverable);
    }

    /**
     * Reports an exception as an {@code error} event through the current emitter, as
     * {@link TrainingEventEmitter#emitError(Throwable, boolean)};
     * while no emitter is current the event is discarded, with one warning (see {@link #current()}).
     * Never throws.
     *
     * @param error the exception; {@code null} is reported as an unknown error
     * @param recoverable whether training goes on
     */
    public static void emitError(Throwable error, boolean recoverable) {
        current().emitError(error, recoverable);
    }

    /**
     * Flushes and closes the current emitter (reporting its run as cancelled if it never
     * completed) and leaves none current. Does nothing when none is current; never throws.
     */
    public static void shutdown() {
        TrainingEventEmitter emitter = CURRENT.getAndSet(null);
        if (emitter != null) {
            emitter.flush();
            emitter.close();
        }
    }

    /** Shuts {@code emitter} down, and makes none current if it is the current one. */
    static void shutdown(TrainingEventEmitter emitter) {
        CURRENT.compareAndSet(emitter, null);
        emitter.flush();
        emitter.close();
    }

    private static TrainingEventEmitterProvider provider() {
        synchronized (PROVIDER_LOCK) {
            if (!providerLookedUp) {
                provider = findProvider();
                providerLookedUp = true;
            }
            return provider;
        }
    }

    private static TrainingEventEmitterProvider findProvider() {
        List<TrainingEventEmitterProvider> found = new ArrayList<>();
        try {
            Iterator<TrainingEventEmitterProvider> it = ServiceLoader
                    .load(TrainingEventEmitterProvider.class, TrainingEvents.class.getClassLoader())
                    .iterator();
            while (it.hasNext()) {
                try {
                    found.add(it.next());
                } catch (ServiceConfigurationError | LinkageError e) {
                    warn("skipping a training event provider that failed to load: " + e);
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            warn("looking up training event providers failed: " + e);
        }
        if (found.isEmpty()) {
            warn("no training event implementation found on the class path; events are discarded."
                    + " Add the dependency dev.foxml.training:emitter-core to deliver them.");
            return null;
        }
        String wanted = System.getProperty(PROVIDER_PROPERTY);
        if (wanted != null && !wanted.isBlank()) {
            for (TrainingEventEmitterProvider candidate : found) {
                if (candidate.getClass().getName().equals(wanted.trim())) {
                    return candidate;
                }
            }
            warn("the provider " + wanted + " named by -D" + PROVIDER_PROPERTY
                    + " is not on the class path; using " + found.get(0).getClass().getName());
        } else if (found.size() > 1) {
            warn(found.size() + " training event providers found; using "
                    + found.get(0).getClass().getName() + " (choose one with -D" + PROVIDER_PROPERTY + ")");
        }
        return found.get(0);
    }

    private static void warn(String message) {
        // The API has no logging dependency by design; SLF4J itself reports this way.
        System.err.println("[foxml-training-events] WARNING: " + message);
    }

}
