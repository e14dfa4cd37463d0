package dev.foxml.training.events;

import dev.foxml.training.events.spi.TrainingEventEmitterProvider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The static helpers trainer code calls, as in the seed's {@code training_events} module.
 *
 * <pre>{@code
 * TrainingEvents.init("run-42");
 * TrainingEvents.emitStageChange(null, "training");
 * TrainingEvents.emitProgress("training", 40.0, "ret_5m", 2, 5);
 * TrainingEvents.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 3, 0.71);
 * TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
 * TrainingEvents.shutdown();
 * }</pre>
 *
 * <p>Before {@link #init(String)} (and after {@link #shutdown()}) every helper does nothing,
 * as the seed's helpers do when no emitter was initialised. No helper ever throws.
 *
 * <p>The implementation is found with {@link ServiceLoader} the first time {@link #init(String)}
 * runs: the {@link TrainingEventEmitterProvider} of {@code emitter-core}, or the one whose class
 * name the system property {@value #PROVIDER_PROPERTY} gives. With none on the class path, one
 * warning goes to standard error and events are discarded.
 */
public final class TrainingEvents {

    /** System property naming the provider class to use when several are on the class path. */
    public static final String PROVIDER_PROPERTY = "foxml.training.event.provider";

    private static final Object LOCK = new Object();
    private static volatile TrainingEventEmitter current;
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
        TrainingEventEmitter previous;
        synchronized (LOCK) {
            previous = current;
            current = created;
        }
        if (previous != null) {
            previous.close();
        }
        return created;
    }

    /**
     * Starts a run as a scope: {@link #init(String)}, and a {@link TrainingRun} whose
     * {@code close()} reports {@code run_complete "success"} (unless the run already completed or
     * {@link TrainingRun#fail(Throwable) failed}) and shuts the emitter down.
     *
     * @param runId the run id written on every line
     * @return the run, to close when training ends (try-with-resources)
     * @throws IllegalArgumentException as {@link #init(String)}
     */
    public static TrainingRun start(String runId) {
        return new TrainingRun(init(runId));
    }

    /**
     * Runs {@code body} as the run {@code runId}: {@code run_complete "success"} when it returns;
     * when it throws, an {@code error} event (the exception's class as type, its message) and
     * {@code run_complete "failed"}, then the exception is rethrown unchanged. The emitter is
     * flushed and closed either way.
     *
     * @param runId the run id written on every line
     * @param body the training
     * @throws IllegalArgumentException as {@link #init(String)}, before {@code body} runs
     * @throws Exception whatever {@code body} throws
     */
    public static void run(String runId, RunBody body) throws Exception {
        try (TrainingRun run = start(runId)) {
            try {
                body.run();
            } catch (Throwable t) {
                run.fail(t);
                throw t;
            }
        }
    }

    /**
     * Runs {@code task} for each target in order, reporting as the seed's trainer does: before
     * each, {@code progress} with the target, how many are done, the total and the percentage;
     * after each, {@code target_complete} with the task's result; at the end, {@code progress} at
     * 100%. A task that throws is reported as an {@code error} event (recoverable) and a
     * {@code failed} target, and the loop goes on with the next target; only an {@link Error}
     * (such as {@link OutOfMemoryError}) stops the loop, reported as not recoverable and rethrown.
     * Events go to {@link #current()}, so before {@link #init(String)} the tasks run unreported.
     *
     * @param stage the stage written on the {@code progress} events
     * @param targets the targets, in the order to run them
     * @param task the work for one target
     * @return the result of each target, in order (a failed one as {@link TargetResult#failed(int)})
     */
    public static java.util.List<TargetResult> forEachTarget(String stage, java.util.List<String> targets,
                                                           TargetTask task) {
        try {
            return forEachTarget(stage, targets, OnTargetFailure.CONTINUE, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * As {@link #forEachTarget(String, java.util.List, TargetTask)}, choosing what happens after a
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
    public static java.util.List<TargetResult> forEachTarget(String stage, java.util.List<String> targets,
                                                           OnTargetFailure onFailure, TargetTask task)
            throws Exception {
        TrainingEventEmitter emitter = current();
        int total = targets.size();
        java.util.List<TargetResult> results = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            String target = targets.get(i);
            emitter.emitProgress(stage, 100.0 * i / total, target, i, total);
            TargetResult result;
            try {
                result = task.run(target);
            } catch (Throwable failure) {
                boolean stop = onFailure == OnTargetFailure.STOP || failure instanceof Error;
                emitter.emitError(failure, !stop);
                emitter.emitTargetComplete(target, TargetStatus.FAILED, 0, Double.NaN);
                results.add(TargetResult.failed(0));
                if (stop) {
                    throw failure;
                }
                continue;
            }
            if (result == null) {
                result = new TargetResult(TargetStatus.SUCCESS, 0, Double.NaN, null);
            }
            emitter.emitTargetComplete(target, result.status(), result.modelsTrained(), result.bestAuc(),
                    result.metrics());
            results.add(result);
        }
        emitter.emitProgress(stage, 100.0, null, total, total);
        return results;
    }

    /**
     * The current emitter.
     *
     * @return the emitter {@link #init(String)} made current; never {@code null}: before
     *     {@code init} (and after {@link #shutdown()}) a no-op emitter whose run id is the empty string
     */
    public static TrainingEventEmitter current() {
        TrainingEventEmitter emitter = current;
        return emitter != null ? emitter : NoopHolder.NOOP;
    }

    /**
     * Whether events are being reported.
     *
     * @return whether {@link #init(String)} has made an emitter current that was not shut down since
     */
    public static boolean isInitialized() {
        return current != null;
    }

    /**
     * Reports overall progress of a stage through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param stage the stage, e.g. {@code "training"}
     * @param progressPct overall progress in percent; clamped to [0, 100], NaN written as {@code null}
     */
    public static void emitProgress(String stage, double progressPct) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitProgress(stage, progressPct);
        }
    }

    /**
     * Reports progress with the target being worked on through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double, String, int, int)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param stage the current stage
     * @param progressPct overall progress in percent; clamped to [0, 100], NaN written as {@code null}
     * @param currentTarget the target being processed, or {@code null}
     * @param targetsComplete targets finished so far; a negative value is written as 0
     * @param targetsTotal all targets of the stage; a negative value is written as 0
     */
    public static void emitProgress(String stage, double progressPct, String currentTarget,
                                    int targetsComplete, int targetsTotal) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal);
        }
    }

    /**
     * Reports progress with custom metrics through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double, String, int, int, java.util.Map)}; does nothing
     * before {@link #init(String)}. Never throws.
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
                                    java.util.Map<String, ? extends Number> metrics) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, metrics);
        }
    }

    /**
     * Reports progress of a training loop (epoch, step, throughput) through the current emitter, as
     * {@link TrainingEventEmitter#emitProgress(String, double, String, int, int, long, long, double, java.util.Map)};
     * does nothing before {@link #init(String)}. Never throws.
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
                                    java.util.Map<String, ? extends Number> metrics) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitProgress(stage, progressPct, currentTarget, targetsComplete, targetsTotal,
                    epoch, step, throughput, metrics);
        }
    }

    /**
     * Reports progress of a training loop through the current emitter, the emitter computing the
     * throughput from the items processed so far, as
     * {@link TrainingEventEmitter#emitProgressWithItemCount(String, double, String, int, int, long, long, long, java.util.Map)};
     * does nothing before {@link #init(String)}. Never throws.
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
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitProgressWithItemCount(stage, progressPct, currentTarget, targetsComplete, targetsTotal,
                    epoch, step, itemsProcessed, metrics);
        }
    }

    /**
     * Reports that the run entered a stage through the current emitter, as
     * {@link TrainingEventEmitter#emitStageChange(String)} (the stage left is the one last reported);
     * does nothing before {@link #init(String)}. Never throws.
     *
     * @param newStage the stage entered
     */
    public static void emitStageChange(String newStage) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitStageChange(newStage);
        }
    }

    /**
     * Reports that the run left one stage for another through the current emitter, as
     * {@link TrainingEventEmitter#emitStageChange(String, String)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param previousStage the stage left, or {@code null} when the run is starting
     * @param newStage the stage entered
     */
    public static void emitStageChange(String previousStage, String newStage) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitStageChange(previousStage, newStage);
        }
    }

    /**
     * Reports a finished target with no models and no AUC through the current emitter, as
     * {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     */
    public static void emitTargetComplete(String target, TargetStatus status) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitTargetComplete(target, status);
        }
    }

    /**
     * Reports a finished target through the current emitter, as
     * {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus, int, double)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     * @param modelsTrained how many models were trained; a negative value is written as 0
     * @param bestAuc the best AUC reached, or {@code Double.NaN} for none
     */
    public static void emitTargetComplete(String target, TargetStatus status, int modelsTrained,
                                          double bestAuc) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitTargetComplete(target, status, modelsTrained, bestAuc);
        }
    }

    /**
     * Reports a finished target with custom metrics through the current emitter, as
     * {@link TrainingEventEmitter#emitTargetComplete(String, TargetStatus, int, double, java.util.Map)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param target the target's name
     * @param status how it ended; {@code null} is written as {@code "failed"}
     * @param modelsTrained how many models were trained; a negative value is written as 0
     * @param bestAuc the best AUC reached, or {@code Double.NaN} for none
     * @param metrics name to value, copied before the call returns; {@code null} or empty for none
     */
    public static void emitTargetComplete(String target, TargetStatus status, int modelsTrained,
                                          double bestAuc, java.util.Map<String, ? extends Number> metrics) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitTargetComplete(target, status, modelsTrained, bestAuc, metrics);
        }
    }

    /**
     * Reports the end of the run through the current emitter, as
     * {@link TrainingEventEmitter#emitRunComplete(RunStatus)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param status how the run ended; {@code null} is written as {@code "failed"}
     */
    public static void emitRunComplete(RunStatus status) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitRunComplete(status);
        }
    }

    /**
     * Reports an error through the current emitter, as
     * {@link TrainingEventEmitter#emitError(String, String, boolean)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param errorMessage what went wrong
     * @param errorType a classification, e.g. an exception's class name
     * @param recoverable whether training goes on
     */
    public static void emitError(String errorMessage, String errorType, boolean recoverable) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitError(errorMessage, errorType, recoverable);
        }
    }

    /**
     * Reports an exception as an {@code error} event through the current emitter, as
     * {@link TrainingEventEmitter#emitError(Throwable, boolean)}; does nothing
     * before {@link #init(String)}. Never throws.
     *
     * @param error the exception; {@code null} is reported as an unknown error
     * @param recoverable whether training goes on
     */
    public static void emitError(Throwable error, boolean recoverable) {
        TrainingEventEmitter emitter = current;
        if (emitter != null) {
            emitter.emitError(error, recoverable);
        }
    }

    /**
     * Flushes and closes the current emitter (reporting its run as cancelled if it never
     * completed) and leaves none current. Does nothing when none is current; never throws.
     */
    public static void shutdown() {
        TrainingEventEmitter emitter;
        synchronized (LOCK) {
            emitter = current;
            current = null;
        }
        if (emitter != null) {
            emitter.flush();
            emitter.close();
        }
    }

    /** Shuts {@code emitter} down, and makes none current if it is the current one. */
    static void shutdown(TrainingEventEmitter emitter) {
        synchronized (LOCK) {
            if (current == emitter) {
                current = null;
            }
        }
        emitter.flush();
        emitter.close();
    }

    private static TrainingEventEmitterProvider provider() {
        synchronized (LOCK) {
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

    private static final class NoopHolder {
        static final TrainingEventEmitter NOOP = new NoopTrainingEventEmitter("");
    }
}
