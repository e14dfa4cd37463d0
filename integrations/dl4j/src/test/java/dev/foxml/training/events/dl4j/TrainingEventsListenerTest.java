package dev.foxml.training.events.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.testkit.EventLines;
import dev.foxml.training.events.testkit.RecordingEmitter;
import dev.foxml.training.events.testkit.RecordingEmitter.Call;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trains a small network with DL4J on ND4J (CPU) for two epochs and checks what the listener reported. */
class TrainingEventsListenerTest {

    private static final int FEATURES = 8;
    private static final int ROWS = 512;
    private static final int BATCH = 32;
    private static final int BATCHES = ROWS / BATCH;

    /** What DL4J itself hands listeners, per iteration: iteration, epoch, score. */
    private static final class DlScores extends BaseTrainingListener {
        final List<double[]> iterations = new ArrayList<>();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            iterations.add(new double[] {iteration, epoch, model.score()});
        }
    }

    private static ListDataSetIterator<DataSet> data() {
        Random random = new Random(9);
        double[][] x = new double[ROWS][FEATURES];
        double[][] y = new double[ROWS][2];
        for (int r = 0; r < ROWS; r++) {
            double score = 0;
            for (int f = 0; f < FEATURES; f++) {
                x[r][f] = random.nextGaussian();
                score += (f % 3 - 1) * x[r][f];
            }
            y[r][score + 0.5 * random.nextGaussian() > 0 ? 1 : 0] = 1;
        }
        INDArray features = Nd4j.create(x);
        INDArray labels = Nd4j.create(y);
        return new ListDataSetIterator<>(new DataSet(features, labels).asList(), BATCH);
    }

    private static MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Sgd(0.1))
                .list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    @Test
    void everyIterationAndEpochIsReportedWithWhatDl4jComputed() {
        RecordingEmitter events = new RecordingEmitter("dl4j");
        DlScores dl4j = new DlScores();
        MultiLayerNetwork network = network();
        network.addListeners(dl4j, TrainingEventsListener.builder().emitter(events).epochs(2).target("direction")
                .interval(Duration.ZERO).build());
        network.fit(data(), 2);

        List<Call> calls = events.calls();
        assertEquals(2 * (BATCHES + 1), calls.size(), events.types().toString());
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int b = 0; b < BATCHES; b++) {
                Call iteration = calls.get(epoch * (BATCHES + 1) + b);
                double[] reported = dl4j.iterations.get(epoch * BATCHES + b);
                assertEquals((long) reported[0], iteration.step());
                assertEquals((long) reported[1], iteration.epoch());
                assertEquals(epoch, iteration.epoch());
                assertEquals(reported[2], iteration.metric("score"), 0.0, "DL4J's score of the iteration");
                assertEquals(50.0 * epoch, iteration.progressPct(), 1e-9);
                assertEquals("direction", iteration.target());
                assertTrue(iteration.throughput() > 0);
            }
            Call end = calls.get(epoch * (BATCHES + 1) + BATCHES);
            assertEquals(epoch, end.epoch(), "the epoch that ended");
            assertEquals(50.0 * (epoch + 1), end.progressPct(), 1e-9);
            assertEquals((long) dl4j.iterations.get(epoch * BATCHES + BATCHES - 1)[0], end.step());
            assertTrue(end.throughput() > 0);
        }
        double first = calls.get(0).metric("score");
        double last = calls.get(calls.size() - 1).metric("score");
        assertTrue(last < first, "the network learnt: score " + first + " -> " + last);
        System.out.printf("2 epochs: score %.4f -> %.4f, last epoch %.0f samples/s%n", first, last,
                calls.get(calls.size() - 1).throughput());
    }

    @Test
    void iterationsAreThrottled() {
        RecordingEmitter events = new RecordingEmitter("dl4j");
        MultiLayerNetwork network = network();
        network.addListeners(TrainingEventsListener.builder().emitter(events).interval(Duration.ofHours(1)).build());
        network.fit(data(), 2);
        List<Call> progress = events.calls("progress");
        assertEquals(3, progress.size(), "the first iteration, then the two epochs' ends");
        assertEquals(0, progress.get(0).step());
        assertEquals(0.0, progress.get(2).progressPct(), "no percentage without epochs(n)");
    }

    @Test
    void theLinesARealEmitterWritesAreValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("dl4j-e2e")
                .socketPath(dir.resolve("absent.sock")).filePath(file).shutdownHook(false).build()) {
            MultiLayerNetwork network = network();
            network.addListeners(TrainingEventsListener.builder().emitter(emitter).epochs(2).build());
            network.fit(data(), 2);
            assertTrue(emitter.flush());
        }
        List<JsonNode> progress = EventLines.ofType(EventLines.readValid(file), "progress");
        JsonNode last = progress.get(progress.size() - 1);
        assertEquals(100.0, last.get("progress_pct").asDouble());
        assertTrue(last.get("metrics").has("score"), last.toString());
    }

    @Test
    void settingsThatCannotWorkAreRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingEventsListener.builder().epochs(0))
                .getMessage().contains("epochs(0)"));
        assertThrows(IllegalArgumentException.class, () -> TrainingEventsListener.builder().interval(null));
        assertThrows(IllegalArgumentException.class, () -> TrainingEventsListener.builder().stage(""));
    }
}
