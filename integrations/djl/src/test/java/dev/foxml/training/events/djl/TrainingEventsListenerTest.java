package dev.foxml.training.events.djl;

import ai.djl.Model;
import ai.djl.basicmodelzoo.basic.Mlp;
import ai.djl.metric.Metric;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.testkit.EventLines;
import dev.foxml.training.events.testkit.RecordingEmitter;
import dev.foxml.training.events.testkit.RecordingEmitter.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trains a small MLP with DJL on PyTorch (CPU) for two epochs and checks what the listener reported. */
class TrainingEventsListenerTest {

    private static final int FEATURES = 8;
    private static final int TRAIN_ROWS = 512;
    private static final int BATCH = 32;
    private static final int BATCHES = TRAIN_ROWS / BATCH;
    private static NDManager manager;
    private static ArrayDataset train;
    private static ArrayDataset validation;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager();
        Random random = new Random(5);
        train = dataset(random, TRAIN_ROWS);
        validation = dataset(random, 128);
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    /** Two classes: whether a weighted sum of the features plus noise is positive. */
    private static ArrayDataset dataset(Random random, int rows) {
        float[] x = new float[rows * FEATURES];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double score = 0;
            for (int f = 0; f < FEATURES; f++) {
                float v = (float) random.nextGaussian();
                x[r * FEATURES + f] = v;
                score += (f % 3 - 1) * v;
            }
            y[r] = score + 0.5 * random.nextGaussian() > 0 ? 1f : 0f;
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(rows, FEATURES)))
                .optLabels(manager.create(y, new Shape(rows)))
                .setSampling(BATCH, false)
                .build();
    }

    private static DefaultTrainingConfig config() {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .addEvaluator(new Accuracy())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
    }

    /** Trains two epochs with the listeners in the given order; returns DJL's own record. */
    private static Metrics fit(DefaultTrainingConfig config, TrainingResult[] result) throws Exception {
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(new Mlp(FEATURES, 2, new int[] {16}));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, FEATURES));
                Metrics metrics = new Metrics();
                trainer.setMetrics(metrics);
                EasyTrain.fit(trainer, 2, train, validation);
                result[0] = trainer.getTrainingResult();
                return metrics;
            }
        }
    }

    @Test
    void everyBatchAndEpochIsReportedWithWhatDjlComputed() throws Exception {
        RecordingEmitter events = new RecordingEmitter("djl");
        TrainingEventsListener listener = TrainingEventsListener.builder().emitter(events).epochs(2)
                .target("direction").interval(Duration.ZERO).build();
        TrainingResult[] result = new TrainingResult[1];
        Metrics djl = fit(config().addTrainingListeners(TrainingListener.Defaults.basic())
                .addTrainingListeners(listener), result);

        List<Call> calls = events.calls();
        assertEquals("stage_change", calls.get(0).type());
        assertEquals("training", calls.get(0).stage());
        assertEquals(1 + 2 * (BATCHES + 1), calls.size(), "a stage change, every batch and every epoch: " + events.types());
        List<Metric> batchLosses = djl.getMetric("train_all_SoftmaxCrossEntropyLoss");
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int b = 1; b <= BATCHES; b++) {
                Call batch = calls.get((epoch - 1) * (BATCHES + 1) + b);
                long step = (epoch - 1) * BATCHES + b;
                assertEquals("progress", batch.type());
                assertEquals(epoch, batch.epoch());
                assertEquals(step, batch.step());
                assertEquals("direction", batch.target());
                assertEquals(100.0 * (epoch - 1 + (double) b / BATCHES) / 2, batch.progressPct(), 1e-9);
                assertTrue(batch.throughput() > 0, "items per second: " + batch.throughput());
                assertEquals(batchLosses.get((int) step - 1).getValue().doubleValue(), batch.metric("loss"), 1e-5,
                        "the loss DJL recorded for batch " + step);
                assertTrue(batch.metrics().containsKey("train_Accuracy"));
            }
            Call end = calls.get(epoch * (BATCHES + 1));
            assertEquals(epoch, end.epoch());
            assertEquals((long) epoch * BATCHES, end.step());
            assertEquals(50.0 * epoch, end.progressPct(), 1e-9);
            assertTrue(end.throughput() > 0);
            int i = epoch - 1;
            assertEquals(djl.getMetric("train_epoch_Accuracy").get(i).getValue().doubleValue(),
                    end.metric("train_Accuracy"), 1e-6);
            assertEquals(djl.getMetric("validate_epoch_Accuracy").get(i).getValue().doubleValue(),
                    end.metric("validate_Accuracy"), 1e-6);
            assertEquals(djl.getMetric("train_epoch_SoftmaxCrossEntropyLoss").get(i).getValue().doubleValue(),
                    end.metric("train_loss"), 1e-6);
            assertEquals(djl.getMetric("validate_epoch_SoftmaxCrossEntropyLoss").get(i).getValue().doubleValue(),
                    end.metric("validate_loss"), 1e-6);
        }
        Call last = calls.get(calls.size() - 1);
        assertEquals(result[0].getValidateEvaluation("Accuracy").doubleValue(), last.metric("validate_Accuracy"), 1e-6);
        assertTrue(last.metric("validate_Accuracy") > 0.7, "the MLP learnt: " + last.metrics());
        assertFalse(events.types().contains("run_complete"), "the run's end is left to its scope");
        System.out.printf("2 epochs: %s, last batch %.0f items/s%n", last.metrics(),
                calls.get(calls.size() - 2).throughput());
    }

    @Test
    void batchesAreThrottledTheListenerMayComeFirstAndMayOwnTheRun() throws Exception {
        RecordingEmitter events = new RecordingEmitter("djl");
        TrainingEventsListener listener = TrainingEventsListener.builder().emitter(events).stage("fit")
                .interval(Duration.ofHours(1)).ownsRun(true).build();
        TrainingResult[] result = new TrainingResult[1];
        // Before DJL's evaluator listener: the epoch's metrics must still be the epoch's.
        Metrics djl = fit(config().addTrainingListeners(listener)
                .addTrainingListeners(TrainingListener.Defaults.basic()), result);

        assertEquals(List.of("stage_change", "progress", "progress", "progress", "run_complete"), events.types(),
                "the first batch, then nothing until the epochs");
        List<Call> progress = events.calls("progress");
        assertEquals(1, progress.get(0).step());
        assertEquals(100.0 / BATCHES, progress.get(0).progressPct(), 1e-9, "percent of the epoch without epochs(n)");
        assertEquals(100.0, progress.get(1).progressPct());
        assertEquals(djl.getMetric("validate_epoch_Accuracy").get(0).getValue().doubleValue(),
                progress.get(1).metric("validate_Accuracy"), 1e-6);
        assertEquals(djl.getMetric("train_epoch_SoftmaxCrossEntropyLoss").get(1).getValue().doubleValue(),
                progress.get(2).metric("train_loss"), 1e-6);
        assertEquals("success", events.calls("run_complete").get(0).status());
    }

    @Test
    void aFailedRunIsReportedWhenTheListenerOwnsIt() throws Exception {
        RecordingEmitter events = new RecordingEmitter("djl");
        TrainingEventsListener listener = TrainingEventsListener.builder().emitter(events).ownsRun(true).build();
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(new Mlp(FEATURES, 2, new int[] {16}));
            try (Trainer trainer = model.newTrainer(config().addTrainingListeners(TrainingListener.Defaults.basic())
                    .addTrainingListeners(listener))) {
                trainer.initialize(new Shape(BATCH, FEATURES));
                // Data of the wrong width: the engine throws in the first forward pass.
                ArrayDataset wrong = new ArrayDataset.Builder()
                        .setData(manager.ones(new Shape(64, FEATURES + 3)))
                        .optLabels(manager.zeros(new Shape(64)))
                        .setSampling(BATCH, false).build();
                RuntimeException thrown = assertThrows(RuntimeException.class,
                        () -> EasyTrain.fit(trainer, 1, wrong, null));
                listener.fail(thrown);
            }
        }
        assertEquals(List.of("stage_change", "error", "run_complete"), events.types());
        assertEquals("failed", events.calls("run_complete").get(0).status());
        assertFalse(events.calls("error").get(0).recoverable());
    }

    @Test
    void theLinesARealEmitterWritesAreValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("djl-e2e")
                .socketPath(dir.resolve("absent.sock")).filePath(file).shutdownHook(false).build()) {
            fit(config().addTrainingListeners(TrainingListener.Defaults.basic())
                    .addTrainingListeners(TrainingEventsListener.builder().emitter(emitter).epochs(2).build()),
                    new TrainingResult[1]);
            assertTrue(emitter.flush());
        }
        List<JsonNode> lines = EventLines.readValid(file);
        assertEquals(1, EventLines.ofType(lines, "stage_change").size());
        List<JsonNode> progress = EventLines.ofType(lines, "progress");
        JsonNode last = progress.get(progress.size() - 1);
        assertEquals(100.0, last.get("progress_pct").asDouble());
        assertTrue(last.get("metrics").has("validate_Accuracy"), last.toString());
        if (last.has("epoch")) {
            assertEquals(2, last.get("epoch").asLong());
        }
    }

    @Test
    void settingsThatCannotWorkAreRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingEventsListener.builder().epochs(0))
                .getMessage().contains("epochs(0)"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingEventsListener.builder().interval(Duration.ofMillis(-1))).getMessage().contains("interval"));
        assertThrows(IllegalArgumentException.class, () -> TrainingEventsListener.builder().stage(" "));
    }
}
