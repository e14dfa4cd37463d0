package dev.foxml.training.events.dl4j;

import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Deeplearning4j training listener that reports training as events, as
 * {@code ScoreIterationListener} logs it: add it with {@code network.addListeners(...)}.
 *
 * <pre>{@code
 * network.addListeners(TrainingEventsListener.builder().epochs(10).build());
 * network.fit(trainIterator, 10);
 * }</pre>
 *
 * <p>What is reported:
 * <ul>
 *   <li>after an iteration ({@code iterationDone}), at most once per
 *       {@link Builder#interval(Duration) interval} (200 ms by default; the first iteration
 *       always), {@code progress} with {@code epoch} and {@code step} as DL4J counts them (the
 *       epoch from 0, the iteration since the network was created), {@code throughput} (samples
 *       per second since the last report, from the minibatch sizes) and the metric {@code score}
 *       (the model's score, the loss of the last minibatch);</li>
 *   <li>at the end of an epoch ({@code onEpochEnd}), {@code progress} with that epoch, the last
 *       iteration, the samples per second of the epoch and the last {@code score}.</li>
 * </ul>
 *
 * <p>The percentage is that of all epochs when {@link Builder#epochs(int)} says how many there
 * are (DL4J does not tell listeners, nor how many minibatches an epoch has), otherwise 0. The
 * run's start and end belong to the run scope ({@code TrainingEvents.run}, {@code TrainingRun}).
 * The listener never throws into DL4J: a failure of its own is warned once and training goes
 * on. It is meant for one network at a time, called from the training thread, as DL4J calls it.
 */
public final class TrainingEventsListener extends BaseTrainingListener {

    /** The stage reported unless {@link Builder#stage(String)} says otherwise. */
    public static final String DEFAULT_STAGE = "training";
    /** The least time between two iteration reports unless {@link Builder#interval(Duration)} says otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private static final System.Logger LOG = System.getLogger(TrainingEventsListener.class.getName());

    private final TrainingEventEmitter emitter;
    private final String stage;
    private final String target;
    private final int epochs;
    private final long intervalNanos;

    private boolean reportedOnce;
    private long lastReport;
    private long windowStart = System.nanoTime();
    private long windowSamples;
    private long epochStart = System.nanoTime();
    private long epochSamples;
    private long lastIteration = TrainingEventEmitter.UNKNOWN;
    private double lastScore = Double.NaN;
    private volatile boolean warned;

    private TrainingEventsListener(Builder builder) {
        this.emitter = builder.emitter;
        this.stage = builder.stage;
        this.target = builder.target;
        this.epochs = builder.epochs;
        this.intervalNanos = builder.interval.toNanos();
    }

    /**
     * A listener with the defaults: events to {@link TrainingEvents#current()}, stage
     * {@value #DEFAULT_STAGE}, an iteration report at most every 200 ms.
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

    private TrainingEventEmitter events() {
        return emitter != null ? emitter : TrainingEvents.current();
    }

    @Override
    public void onEpochStart(Model model) {
        try {
            long now = System.nanoTime();
            epochStart = now;
            epochSamples = 0;
            if (!reportedOnce) {
                windowStart = now;
            }
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        try {
            int samples = Math.max(0, model.batchSize());
            windowSamples += samples;
            epochSamples += samples;
            lastIteration = iteration;
            lastScore = model.score();
            long now = System.nanoTime();
            if (reportedOnce && now - lastReport < intervalNanos) {
                return;
            }
            double seconds = (now - windowStart) / 1e9;
            events().emitProgress(stage, percent(epoch), target, 0, 0, epoch, iteration,
                    seconds > 0 && windowSamples > 0 ? windowSamples / seconds : Double.NaN, score(lastScore));
            reportedOnce = true;
            lastReport = now;
            windowStart = now;
            windowSamples = 0;
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void onEpochEnd(Model model) {
        try {
            int epoch = epochOf(model);
            long now = System.nanoTime();
            double seconds = (now - epochStart) / 1e9;
            events().emitProgress(stage, epoch >= 0 ? percent(epoch + 1) : 0.0, target, 0, 0,
                    epoch >= 0 ? epoch : TrainingEventEmitter.UNKNOWN, lastIteration,
                    seconds > 0 && epochSamples > 0 ? epochSamples / seconds : Double.NaN, score(lastScore));
            epochStart = now;
            epochSamples = 0;
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    /** The epoch ending: DL4J counts it up after the listeners' onEpochEnd. */
    private static int epochOf(Model model) {
        if (model instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork) {
            return ((org.deeplearning4j.nn.multilayer.MultiLayerNetwork) model).getEpochCount();
        }
        if (model instanceof org.deeplearning4j.nn.graph.ComputationGraph) {
            return ((org.deeplearning4j.nn.graph.ComputationGraph) model).getEpochCount();
        }
        return -1;
    }

    private double percent(int epochsFinished) {
        return epochs > 0 ? Math.min(100.0, 100.0 * epochsFinished / epochs) : 0.0;
    }

    private static Map<String, Double> score(double score) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (Double.isFinite(score)) {
            metrics.put("score", score);
        }
        return metrics;
    }

    private void warnOnce(RuntimeException e) {
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "training events of this DL4J network are incomplete: "
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
         * The stage written on every progress event.
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
         * The target this network is trained for, written as {@code current_target}.
         *
         * @param target the target, or {@code null} (the default) for none
         * @return this builder
         */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /**
         * How many epochs training runs, for a percentage (and ETA) of the whole training.
         *
         * @param epochs the number of epochs given to {@code fit}, 1 or more
         * @return this builder
         * @throws IllegalArgumentException when {@code epochs} is less than 1
         */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("TrainingEventsListener.epochs(" + epochs + "): give the number "
                        + "of epochs training runs (1 or more), or leave it unset (the percentage is then 0)");
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * The least time between two iteration reports; iterations in between are counted in
         * the next report's throughput. Epoch reports are never held back.
         *
         * @param interval 200 ms by default; {@link Duration#ZERO} for a report after every iteration
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
         * Builds the listener.
         *
         * @return a listener for one network at a time
         */
        public TrainingEventsListener build() {
            return new TrainingEventsListener(this);
        }
    }
}
