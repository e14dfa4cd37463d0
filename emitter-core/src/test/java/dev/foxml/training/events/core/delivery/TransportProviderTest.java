package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transport provider found by the {@link java.util.ServiceLoader} (registered in the tests'
 * META-INF/services) supplies the primary when the settings ask for it; the event file stays the
 * fallback; with no provider answering, the primary is the socket as before.
 */
class TransportProviderTest {
    @TempDir
    Path dir;

    @AfterEach
    void forget() {
        System.clearProperty(MemoryTransportProvider.PROPERTY);
        MemoryTransportProvider.CREATED.clear();
        MemoryTransportProvider.lastSettings = null;
    }

    private TrainingEventEmitterBuilder builder() {
        return DefaultTrainingEventEmitter.builder("run-p")
                .socketPath(dir.resolve("bridge.sock"))
                .filePath(dir.resolve("events.jsonl"))
                .synchronous(true)
                .runStartEvent(false)
                .shutdownHook(false);
    }

    /** Also asynchronous: the writer makes the rest of the delivery around the builder's primary. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aProviderThatAnswersMakesItsTransportThePrimary(boolean synchronous) {
        System.setProperty(MemoryTransportProvider.PROPERTY, "broker");
        try (DefaultTrainingEventEmitter emitter = builder().synchronous(synchronous).build()) {
            for (int i = 0; i < 3; i++) {
                emitter.emitProgress("training", i);
            }
            assertTrue(emitter.flush());
            assertEquals(3, emitter.stats().writtenToSocket(), "counted as the primary's");
            assertEquals(0, emitter.stats().writtenToFile());
        }
        InMemoryTransport broker = MemoryTransportProvider.CREATED.get("broker");
        List<String> lines = broker.lines;
        assertEquals(4, lines.size(), "3 progress events and the run_complete of close: " + lines);
        assertTrue(lines.get(0).contains("\"seq\":1") && lines.get(3).contains("\"seq\":4")
                && lines.get(3).contains("run_complete"), lines::toString);
        assertFalse(Files.exists(dir.resolve("events.jsonl")), "nothing went to the fallback");
        assertEquals(1, broker.closes, "closed with the emitter");
        var settings = MemoryTransportProvider.lastSettings;
        assertEquals("broker", settings.get(MemoryTransportProvider.PROPERTY));
        assertEquals(dir.resolve("bridge.sock").toString(), settings.get("foxml.training.event.socket"));
        assertEquals(dir.resolve("events.jsonl").toString(), settings.get("foxml.training.event.file"));
        assertEquals(synchronous ? "sync" : "async", settings.get("foxml.training.event.mode"));
    }

    /**
     * No bridge listening and no events: the writer sleeps, and looks for the bridge once per
     * sleep (a second), not at every reconnect interval (100 ms), which would cost an idle run's
     * writer a wake-up and a look ten times a second for nothing. The next event opens it when due.
     */
    @Test
    void anIdleWriterLooksForAnAbsentPrimaryOncePerSleepNotAtEveryReconnectInterval() throws Exception {
        System.setProperty(MemoryTransportProvider.PROPERTY, "absent-bridge");
        try (DefaultTrainingEventEmitter emitter = builder().synchronous(false).build()) {
            emitter.emitProgress("training", 1);
            assertTrue(emitter.flush());
            InMemoryTransport bridge = MemoryTransportProvider.CREATED.get("absent-bridge");
            int before = bridge.lookedFor.get();
            Thread.sleep(2_000);
            int idle = bridge.lookedFor.get() - before;
            assertTrue(idle <= 4, "looked for the absent primary " + idle + " times in 2 s of idleness");
            bridge.absent = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int sent = 1;
            while (emitter.stats().writtenToSocket() == 0 && System.nanoTime() - deadline < 0) {
                emitter.emitProgress("training", ++sent);
                assertTrue(emitter.flush());
                Thread.sleep(10);
            }
            assertEquals(1, emitter.stats().writtenToSocket(), "an event opened the primary once its reconnect was due");
            assertTrue(bridge.lines.get(0).contains("\"seq\":" + sent + ","), bridge.lines::toString);
        }
    }

    @Test
    void withNoProviderAnsweringThePrimaryIsTheSocketAndTheFileTakesWhatItCannot() throws Exception {
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            emitter.emitProgress("training", 1);
            assertTrue(emitter.flush());
            assertEquals(1, emitter.stats().writtenToFile(), "no bridge listens: the file");
        }
        assertTrue(MemoryTransportProvider.CREATED.isEmpty());
        assertEquals(2, Files.readAllLines(dir.resolve("events.jsonl")).size(), "the event and close's run_complete");
    }

    /** Also asynchronous, where the writer thread makes the rest of the delivery later. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aProviderThatFindsItsSettingsUnusableFailsTheBuildNamingTheSetting(boolean synchronous) {
        System.setProperty(MemoryTransportProvider.PROPERTY, "refuse");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().synchronous(synchronous).build());
        assertTrue(e.getMessage().contains(MemoryTransportProvider.PROPERTY), e.getMessage());
    }
}
