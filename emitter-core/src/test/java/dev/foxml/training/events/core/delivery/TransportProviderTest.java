package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void aProviderThatAnswersMakesItsTransportThePrimary() {
        System.setProperty(MemoryTransportProvider.PROPERTY, "broker");
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
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
        assertEquals("sync", settings.get("foxml.training.event.mode"));
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

    @Test
    void aProviderThatFindsItsSettingsUnusableFailsTheBuildNamingTheSetting() {
        System.setProperty(MemoryTransportProvider.PROPERTY, "refuse");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder().build());
        assertTrue(e.getMessage().contains(MemoryTransportProvider.PROPERTY), e.getMessage());
    }
}
