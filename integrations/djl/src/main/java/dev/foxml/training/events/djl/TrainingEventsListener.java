package dev.foxml.training.events.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL {@link TrainingListener} that reports training as events: add it to the training
 * configuration, after DJL's default listeners.
 *
 * <pre>{@code
 * DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
 *         .addEvaluator(new Accuracy())
 *         .addTrainingListeners(TrainingListener.Defaults.logging())
 *         .addTrainingListeners(TrainingEventsListener.builder().epochs(10).build());
 * }</pre>
 *
 * <p>What is reported:
 * <ul>
 *   <li>when the trainer is created ({@code onTrainingBegin}), a {@code stage_change} to the
 *       stage;</li>
 *   <li>after a training batch ({@code onTrainingBatch}), at most once per
 *       {@link Builder#interval(Duration) interval} (200 ms by default; the first batch always),
 *       {@code progress} with {@code epoch} (counted from 1, as DJL logs epochs), {@code step}
 *       (batches trained since the trainer began), {@code throughput} (items per second since the
 *       last report) and the metrics {@code loss} (the loss of this batch, computed from the
 *       batch's labels and predictions) and, when DJL's {@link EvaluatorTrainingListener} is
 *       present, {@code train_<evaluator>} (the running average of the epoch so far);</li>
 *   <li>after validation batches ({@code onValidationBatch}), nothing;</li>
 *   <li>at the end of an epoch ({@code onEpoch}), {@code progress} with the epoch just finished,
 *       the step, the items per second of the epoch and the epoch's metrics as DJL reports them in
 *       its {@code TrainingResult}: {@code train_loss}, {@code validate_loss},
 *       {@code train_<evaluator>}, {@code validate_<evaluator>} (validation values only when the
 *       epoch was validated);</li>
 *   <li>when the trainer is closed ({@code onTrainingEnd}), nothing by default: the run scope
 *       ({@code TrainingEvents.run}, {@code TrainingRun}) reports {@code run_complete}. With
 *       {@link Builder#ownsRun(boolean) ownsRun(true)}, the listener reports it: {@code success},
 *       or, after {@link #fail(Throwable)}, an {@code error} and {@code failed}.</li>
 * </ul>
 *
 * <p>The percentage is that of all epochs when {@link Builder#epochs(int)} says how many there
 * are (DJL does not tell listeners), otherwise that of the current epoch. The listener never
 * throws into DJL: a failure of its own is reported once as a warning and training goes on.
 * It is meant for one trainer at a time, called from the training thread, as DJL calls it.
 *
 * <p>Its size is DJL's listener interface: one method per training callback, each mapping the
 * trainer's state onto events.
 */
public final class TrainingEventsListener implements TrainingListener {

    /** The stage reported unless {@link Builder#stage(String)} says otherwise. */
    public static final String DEFAULT_STAGE = "training";
    /** The least time between two batch reports unless {@link Builder#interval(Duration)} says otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private static final System.Logger LOG = System.getLogger(TrainingEventsListener.class.getName());

    private final TrainingEventEmitter emitter;
    private final String stage;
    private final String target;
    private final int epochs;
    private final long intervalNanos;
    private final boolean ownsRun;

    private boolean evaluatorRunsFirst;
    private int epochsDone;
    private long steps;
    private long lastReport;
    private boolean reportedOnce;
    private long windowStart;
    private long windowItems;
    private long epochStart;
    private long epochItems;
    private volatile Throwable failure;
    private volatile boolean warned;

    private TrainingEventsListener(Builder builder) {
        this.emitter = builder.emitter;
        this.stage = builder.stage;
        this.target = builder.target;
        this.epochs = builder.epochs;
        this.intervalNanos = builder.interval.toNanos();
        this.ownsRun = builder.ownsRun;
    }

    /**
     * A listener with the defaults: events to {@link TrainingEvents#current()}, stage
     * {@value #DEFAULT_STAGE}, a batch report at most every 200 ms, the run left to its scope.
     *
     * @return the listener
     */
    public static TrainingEventsListener create() {
        return builder().build();
    }

    /**
     * Starts configuring a listener.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Marks the run failed, for a listener that {@link Builder#ownsRun(boolean) owns the run}:
     * when the trainer is closed, it reports an {@code error} and {@code run_complete "failed"}
     * instead of {@code "success"}. DJL does not tell listeners that training threw; call this in
     * the {@code catch} around {@code EasyTrain.fit}.
     *
     * @param error why training failed
     */
    public void fail(Throwable error) {
        this.failure = error;
    }

    private TrainingEventEmitter events() {
        return emitter != null ? emitter : TrainingEvents.current();
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        try {
            epochsDone = 0;
            steps = 0;
            reportedOnce = false;
            failure = null;
            long now = System.nanoTime();
            windowStart = now;
            epochStart = now;
            windowItems = 0;
            epochItems = 0;
            evaluatorRunsFirst = evaluatorRunsBeforeThis(trainer);
            events().emitStageChange(stage);
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        try {
            steps++;
            int size = batchData.getBatch().getSize();
            windowItems += size;
            epochItems += size;
            long now = System.nanoTime();
            if (reportedOnce && now - lastReport < intervalNanos) {
                return;
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            put(metrics, "loss", batchLoss(trainer, batchData));
            for (Evaluator evaluator : trainer.getEvaluators()) {
                put(metrics, "train_" + evaluator.getName(),
                        accumulator(evaluator, EvaluatorTrainingListener.TRAIN_EPOCH));
            }
            long total = batchData.getBatch().getProgressTotal();
            double ofEpoch = total > 0 ? Math.min(1.0, (double) batchData.getBatch().getProgress() / total) : Double.NaN;
            double seconds = (now - windowStart) / 1e9;
            events().emitProgress(stage, percent(epochsDone, ofEpoch), target, 0, 0, epochsDone + 1L, steps,
                    seconds > 0 ? windowItems / seconds : Double.NaN, metrics);
            reportedOnce = true;
            lastReport = now;
            windowStart = now;
            windowItems = 0;
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
        // Validation is summed up by the epoch's report.
    }

    @Override
    public void onEpoch(Trainer trainer) {
        try {
            epochsDone++;
            long now = System.nanoTime();
            double seconds = (now - epochStart) / 1e9;
            double throughput = seconds > 0 && epochItems > 0 ? epochItems / seconds : Double.NaN;
            events().emitProgress(stage, percent(epochsDone, 0.0), target, 0, 0, epochsDone, steps, throughput,
                    epochMetrics(trainer));
            epochStart = now;
            epochItems = 0;
            windowStart = now;
            windowItems = 0;
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (!ownsRun) {
            return;
        }
        try {
            TrainingEventEmitter events = events();
            Throwable failed = failure;
            if (failed != null) {
                events.emitError(failed, false);
                events.emitRunComplete(RunStatus.FAILED);
            } else {
                events.emitRunComplete(RunStatus.SUCCESS);
            }
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    /** Percent of all epochs when their number is known, otherwise of the current epoch. */
    private double percent(int epochsFinished, double ofCurrentEpoch) {
        // A dataset of unknown size gives no fraction: count the epoch as just begun.
        double current = Double.isNaN(ofCurrentEpoch) ? 0.0 : ofCurrentEpoch;
        if (epochs > 0) {
            return Math.min(100.0, 100.0 * (epochsFinished + current) / epochs);
        }
        return epochsFinished > 0 && ofCurrentEpoch == 0.0 ? 100.0 : 100.0 * current;
    }

    /**
     * The epoch's metrics under DJL's {@code TrainingResult} names. DJL's evaluator listener
     * records them in its {@code onEpoch} and then resets its accumulators: when it runs before
     * this listener, its result has them; when after, the accumulators still do.
     */
    private Map<String, Double> epochMetrics(Trainer trainer) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (evaluatorRunsFirst) {
            trainer.getTrainingResult().getEvaluations().forEach((name, value) ->
                    put(metrics, name, value == null ? Double.NaN : value));
            return metrics;
        }
        Loss loss = trainer.getLoss();
        for (Evaluator evaluator : trainer.getEvaluators()) {
            double train = accumulator(evaluator, EvaluatorTrainingListener.TRAIN_EPOCH);
            double validate = accumulator(evaluator, EvaluatorTrainingListener.VALIDATE_EPOCH);
            put(metrics, "train_" + evaluator.getName(), train);
            put(metrics, "validate_" + evaluator.getName(), validate);
            if (evaluator == loss) {
                put(metrics, "train_loss", train);
                put(metrics, "validate_loss", validate);
            }
        }
        return metrics;
    }

    private boolean evaluatorRunsBeforeThis(Trainer trainer) {
        int[] index = {0};
        int[] mine = {-1};
        int[] evaluator = {-1};
        trainer.notifyListeners(listener -> {
            if (listener == this) {
                mine[0] = index[0];
            } else if (listener instanceof EvaluatorTrainingListener && evaluator[0] < 0) {
                evaluator[0] = index[0];
            }
            index[0]++;
        });
        return evaluator[0] >= 0 && evaluator[0] < mine[0];
    }

    /** The mean loss of the batch over its devices, from DJL's own labels and predictions. */
    private static double batchLoss(Trainer trainer, BatchData batchData) {
        Loss loss = trainer.getLoss();
        double sum = 0;
        int devices = 0;
        for (Map.Entry<ai.djl.Device, NDList> labels : batchData.getLabels().entrySet()) {
            NDList predictions = batchData.getPredictions().get(labels.getKey());
            if (predictions == null) {
                continue;
            }
            try (NDArray value = loss.evaluate(labels.getValue(), predictions)) {
                sum += value.toType(DataType.FLOAT64, false).getDouble();
                devices++;
            }
        }
        return devices == 0 ? Double.NaN : sum / devices;
    }

    private static double accumulator(Evaluator evaluator, String key) {
        try {
            return evaluator.getAccumulator(key);
        } catch (IllegalArgumentException noSuchAccumulator) {
            // No EvaluatorTrainingListener: nobody accumulates.
            return Double.NaN;
        }
    }

    /** Only numbers: a metric DJL has no value for (no validation this epoch) is left out. */
    private static void put(Map<String, Double> metrics, String name, double value) {
        if (Double.isFinite(value)) {
            metrics.put(name, value);
        }
    }

    private void warnOnce(RuntimeException e) {
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "training events of this DJL trainer are incomplete: "
                    + e.getClass().getName() + "; training goes on");
        }
    }

    /** Configures a {@link TrainingEventsListener}. */
    public static final class Builder {
        private TrainingEventEmitter emitter;
        private String stage = DEFAULT_STAGE;
        private String target;
        private int epochs;
        private Duration interval = DEFAULT_INTERVAL;
        private boolean ownsRun;

        private Builder() {
        }

        /**
         * The emitter to report to.
         *
         * @param emitter the emitter; {@code null} (the default) for {@link TrainingEvents#current()}
         *     at each report
         * @return this builder
         */
        public Builder emitter(TrainingEventEmitter emitter) {
            this.emitter = emitter;
            return this;
        }

        /**
         * The stage entered when training begins and written on every progress event.
         *
         * @param stage the stage, {@value TrainingEventsListener#DEFAULT_STAGE} by default
         * @return this builder
         * @throws IllegalArgumentException when {@code stage} is null or blank
         */
        public Builder stage(String stage) {
            if (stage == null || stage.isBlank()) {
                throw new IllegalArgumentException("TrainingEventsListener.stage: the stage must be a non-blank name, "
                        + "e.g. stage(\"training\"), or leave it unset for \"" + DEFAULT_STAGE + "\"");
            }
            this.stage = stage;
            return this;
        }

        /**
         * The target this model is trained for, written as {@code current_target}.
         *
         * @param target the target, or {@code null} (the default) for none
         * @return this builder
         */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /**
         * How many epochs training runs, so that the percentage (and the ETA) is that of the
         * whole training rather than of the current epoch.
         *
         * @param epochs the number of epochs given to {@code EasyTrain.fit}, 1 or more
         * @return this builder
         * @throws IllegalArgumentException when {@code epochs} is less than 1
         */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("TrainingEventsListener.epochs(" + epochs + "): give the number "
                        + "of epochs training runs (1 or more), or leave it unset for the percentage of each epoch");
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * The least time between two batch reports; batches in between are counted in the next
         * report's throughput. Epoch reports are never held back.
         *
         * @param interval 200 ms by default; {@link Duration#ZERO} for a report after every batch
         * @return this builder
         * @throws IllegalArgumentException when {@code interval} is null or negative
         */
        public Builder interval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("TrainingEventsListener.interval(" + interval + "): give a "
                        + "duration of 0 or more, e.g. interval(Duration.ofMillis(200))");
            }
            this.interval = interval;
            return this;
        }

        /**
         * Whether the listener reports {@code run_complete} when the trainer is closed. Leave it
         * off (the default) when a run scope ({@code TrainingEvents.run}, {@code TrainingRun})
         * reports the run's end, as it does for a failure too.
         *
         * @param ownsRun whether to report the run's end
         * @return this builder
         */
        public Builder ownsRun(boolean ownsRun) {
            this.ownsRun = ownsRun;
            return this;
        }

        /**
         * Builds the listener.
         *
         * @return a listener for one trainer at a time
         */
        public TrainingEventsListener build() {
            return new TrainingEventsListener(this);
        }
    }
}
