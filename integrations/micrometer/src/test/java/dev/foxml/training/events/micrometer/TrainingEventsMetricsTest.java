package dev.foxml.training.events.micrometer;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.testkit.SocketReader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.DELIVERY_ERRORS;
import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.DROPPED;
import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.EMITTED;
import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.INVALID_ARGUMENTS;
import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.RECONNECTS;
import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.REPLAYED;
import static dev.foxml.training.events.micrometer.TrainingEventsMetrics.WRITTEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Binds the meters to a SimpleMeterRegistry and drives a real emitter through a bridge that dies. */
class TrainingEventsMetricsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void theCountersFollowARealEmitterWhoseSocketIsKilled(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("bridge.sock");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SocketReader bridge = SocketReader.listen(socket);
        DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("metrics-run")
                .socketPath(socket).filePath(dir.resolve("events.jsonl"))
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .shutdownHook(false).build();
        SocketReader revived = null;
        try {
            new TrainingEventsMetrics(emitter, Tags.of("app", "trainer"), true).bindTo(registry);

            for (int i = 0; i < 20; i++) {
                emitter.emitProgress("training", i * 5.0);
            }
            assertTrue(emitter.flush());
            assertTrue(count(registry, WRITTEN, "destination", "socket") >= 20);
            assertEquals(emitter.stats().writtenToSocket(), count(registry, WRITTEN, "destination", "socket"));
            assertEquals(0.0, count(registry, WRITTEN, "destination", "file"));

            bridge.kill();
            for (int i = 0; i < 20; i++) {
                emitter.emitProgress("training", 50 + i);
            }
            emitter.flush();
            await(() -> count(registry, WRITTEN, "destination", "file") >= 20, "the file takes over");
            assertTrue(count(registry, DELIVERY_ERRORS, "destination", "socket") >= 1,
                    "the dead socket counted as an error");

            revived = SocketReader.listen(socket);
            await(() -> {
                emitter.emitProgress("training", 90);
                return count(registry, RECONNECTS) >= 1;
            }, "a reconnect to the revived bridge");

            emitter.emitProgress(null, Double.NaN);
            await(() -> count(registry, INVALID_ARGUMENTS) >= 1, "the repaired call counted");
            emitter.close();
            emitter.emitProgress("training", 100);
            assertEquals(1.0, count(registry, DROPPED, "reason", "closed"));

            // Everything settled: each meter is its field of stats(), exactly.
            EmitterStats stats = emitter.stats();
            assertEquals(stats.emitted(), count(registry, EMITTED));
            assertEquals(stats.writtenToSocket(), count(registry, WRITTEN, "destination", "socket"));
            assertEquals(stats.writtenToFile(), count(registry, WRITTEN, "destination", "file"));
            assertEquals(stats.replayed(), count(registry, REPLAYED));
            assertEquals(stats.droppedQueueFull(), count(registry, DROPPED, "reason", "queue_full"));
            assertEquals(stats.droppedUnwritable(), count(registry, DROPPED, "reason", "unwritable"));
            assertEquals(stats.droppedClosed(), count(registry, DROPPED, "reason", "closed"));
            assertEquals(stats.droppedExtraRunComplete(), count(registry, DROPPED, "reason", "extra_run_complete"));
            assertEquals(stats.reconnects(), count(registry, RECONNECTS));
            assertEquals(stats.socketErrors(), count(registry, DELIVERY_ERRORS, "destination", "socket"));
            assertEquals(stats.fileErrors(), count(registry, DELIVERY_ERRORS, "destination", "file"));
            assertEquals(stats.invalidArguments(), count(registry, INVALID_ARGUMENTS));
            System.out.println("after a killed socket: " + stats);

            assertEquals(12, registry.getMeters().size());
            for (Meter meter : registry.getMeters()) {
                assertEquals("metrics-run", meter.getId().getTag(TrainingEventsMetrics.RUN_ID_TAG), meter.getId().toString());
                assertEquals("trainer", meter.getId().getTag("app"));
                assertTrue(meter instanceof FunctionCounter);
            }
            assertEquals(new TreeSet<>(List.of(EMITTED, WRITTEN, REPLAYED, DROPPED, RECONNECTS, DELIVERY_ERRORS,
                            INVALID_ARGUMENTS)),
                    registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toCollection(TreeSet::new)));
            assertEquals("events", registry.get(EMITTED).functionCounter().getId().getBaseUnit());
        } finally {
            emitter.close();
            bridge.kill();
            if (revived != null) {
                revived.kill();
            }
        }
    }

    @Test
    void theRunIdTagCanBeSwitchedOff(@TempDir Path dir) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("many-runs")
                .socketPath(dir.resolve("absent.sock")).filePath(dir.resolve("events.jsonl"))
                .shutdownHook(false).build()) {
            new TrainingEventsMetrics(emitter, Tags.empty(), false).bindTo(registry);
            emitter.emitProgress("training", 10);
            emitter.flush();
            for (Meter meter : registry.getMeters()) {
                assertEquals(null, meter.getId().getTag(TrainingEventsMetrics.RUN_ID_TAG));
            }
            assertEquals(emitter.stats().emitted(), count(registry, EMITTED));
        }
    }

    @Test
    void withoutAnEmitterTheCountersAddUpEveryRunOfTheJvmAndNeverGoBack(@TempDir Path dir) {
        Map<String, String> properties = Map.of(
                "foxml.training.event.socket", dir.resolve("absent.sock").toString(),
                "foxml.training.event.file", dir.resolve("events.jsonl").toString());
        properties.forEach(System::setProperty);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try {
            new TrainingEventsMetrics(Tags.of("app", "trainer")).bindTo(registry);
            assertEquals(0.0, count(registry, EMITTED), "no run yet");

            TrainingEventEmitter first = TrainingEvents.init("first");
            for (int i = 0; i < 5; i++) {
                first.emitProgress("training", i);
            }
            first.flush();
            double afterFirst = count(registry, EMITTED);
            assertEquals(first.stats().emitted(), afterFirst);

            TrainingEventEmitter second = TrainingEvents.init("second"); // closes the first: its cancelled counts
            second.emitProgress("training", 1);
            second.flush();
            double afterSecond = count(registry, EMITTED);
            assertEquals(first.stats().emitted() + second.stats().emitted(), afterSecond);
            assertTrue(afterSecond > afterFirst);
            TrainingEvents.shutdown();
            assertEquals(first.stats().emitted() + second.stats().emitted(), count(registry, EMITTED),
                    "the runs' counts stay after the last one shut down");
            for (Meter meter : registry.getMeters()) {
                assertEquals(null, meter.getId().getTag(TrainingEventsMetrics.RUN_ID_TAG));
            }
            System.out.printf("two runs: %.0f events emitted in all%n", count(registry, EMITTED));
        } finally {
            TrainingEvents.shutdown();
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void aMissingEmitterOrTagsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingEventsMetrics((TrainingEventEmitter) null));
        assertTrue(e.getMessage().contains("TrainingEventsMetrics()"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainingEventsMetrics((Iterable<io.micrometer.core.instrument.Tag>) null));
    }

    private static double count(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
