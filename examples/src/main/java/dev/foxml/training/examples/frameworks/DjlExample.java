package dev.foxml.training.examples.frameworks;

import ai.djl.Model;
import ai.djl.basicmodelzoo.basic.Mlp;
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
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.events.TrainingRun;
import dev.foxml.training.events.djl.TrainingEventsListener;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * A DJL trainer reporting through {@code emitter-djl}: a small MLP on generated data, trained on
 * PyTorch (CPU) for some epochs, with {@link TrainingEventsListener} among the training
 * listeners. Run it with {@code OPT_OUT_TRACKING=true} and {@code DJL_OFFLINE=true} in the
 * environment (the {@code djl-demo} execution sets them): otherwise DJL's usage telemetry
 * connects to the network.
 *
 * <pre>
 * DjlExample [--run-id ID] [--rows N] [--epochs N]
 * </pre>
 */
public final class DjlExample {

    private static final int FEATURES = 32;
    private static final int BATCH = 64;

    private DjlExample() {
    }

    /**
     * Trains and exits: 0 when the run succeeded, 1 when it failed, 2 on bad options.
     *
     * @param args {@code --run-id ID}, {@code --rows N}, {@code --epochs N}
     */
    public static void main(String[] args) {
        String runId = "djl-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        int rows = 4_000;
        int epochs = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--run-id" -> runId = args[i + 1];
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: DjlExample [--run-id ID] [--rows N] [--epochs N]");
                    System.exit(2);
                }
            }
        }
        System.out.println("training run " + runId);
        int trainRows = rows;
        int trainEpochs = epochs;
        try {
            // success when it returns; an error event and "failed" when it throws (rethrown here)
            TrainingEvents.run(runId, () -> train(trainRows, trainEpochs));
        } catch (Exception | Error e) {
            System.err.println("run " + runId + " failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void train(int rows, int epochs) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("mlp")) {
            Random random = new Random(11);
            ArrayDataset train = dataset(manager, random, rows);
            ArrayDataset validation = dataset(manager, random, rows / 5);
            model.setBlock(new Mlp(FEATURES, 2, new int[] {32, 16}));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .addEvaluator(new Accuracy())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build())
                    .addTrainingListeners(TrainingListener.Defaults.basic())
                    // The run's end is reported by the TrainingRun around this method.
                    .addTrainingListeners(TrainingEventsListener.builder().epochs(epochs).target("direction").build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, FEATURES));
                EasyTrain.fit(trainer, epochs, train, validation);
                TrainingResult result = trainer.getTrainingResult();
                // The listener reports epochs; the model's final scores close the target.
                TrainingEvents.current().emitTargetComplete("direction", TargetStatus.SUCCESS, 1, Double.NaN,
                        result.getEvaluations());
                System.out.println("trained: " + result);
            }
        }
    }

    /** Two classes: whether a non-linear score of the features plus noise is positive. */
    private static ArrayDataset dataset(NDManager manager, Random random, int rows) {
        float[] x = new float[rows * FEATURES];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double score = 0;
            for (int f = 0; f < FEATURES; f++) {
                float v = (float) random.nextGaussian();
                x[r * FEATURES + f] = v;
                if (f < 12) {
                    score += f % 2 == 0 ? v : 0.5 * (v * v - 1);
                }
            }
            y[r] = score + random.nextGaussian() > 0 ? 1f : 0f;
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(rows, FEATURES)))
                .optLabels(manager.create(y, new Shape(rows)))
                .setSampling(BATCH, true)
                .build();
    }
}
