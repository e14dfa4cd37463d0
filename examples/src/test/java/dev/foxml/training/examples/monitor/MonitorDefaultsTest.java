package dev.foxml.training.examples.monitor;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.events.core.config.ConfigResolver;
import dev.foxml.training.events.core.config.ConfigResolver.Source;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor finds the socket and the file as trainers do, through the emitter's own setting
 * names and resolver: the system property, else the environment variable, else the default.
 */
class MonitorDefaultsTest {

    private static ConfigResolver settings(Map<String, String> properties, Map<String, String> environment) {
        return new ConfigResolver(Source.of(properties), Source.of(environment), Map.of());
    }

    @Test
    void thePropertyWinsOverTheVariableOverTheDefault() {
        Map<String, String> env = Map.of("FOXML_TRAINING_EVENT_SOCKET", "/run/env.sock",
                "FOXML_TRAINING_EVENT_FILE", "/run/env.jsonl");
        Map<String, String> props = Map.of("foxml.training.event.socket", "/run/property.sock");

        assertEquals(Path.of("/run/property.sock"), TrainingMonitor.defaultPath(EmitterSetting.SOCKET, settings(props, env)));
        assertEquals(Path.of("/run/env.jsonl"), TrainingMonitor.defaultPath(EmitterSetting.FILE, settings(props, env)));
        assertEquals(Path.of("/tmp/foxml_training_events.sock"),
                TrainingMonitor.defaultPath(EmitterSetting.SOCKET, settings(Map.of(), Map.of())));
        assertEquals(Path.of("/tmp/foxml_training_events.jsonl"),
                TrainingMonitor.defaultPath(EmitterSetting.FILE, settings(Map.of(), Map.of())));
    }

    @Test
    void aBlankValueMeansTheDefault() {
        assertEquals(Path.of("/tmp/foxml_training_events.sock"), TrainingMonitor.defaultPath(EmitterSetting.SOCKET,
                settings(Map.of("foxml.training.event.socket", " "), Map.of())));
    }

    @Test
    void theHelpNamesThePropertyTheVariableAndTheDefault() {
        String usage = TrainingMonitor.usage();
        for (String part : new String[] {"-Dfoxml.training.event.socket", "$FOXML_TRAINING_EVENT_SOCKET",
                "/tmp/foxml_training_events.sock", "-Dfoxml.training.event.file", "$FOXML_TRAINING_EVENT_FILE",
                "/tmp/foxml_training_events.jsonl"}) {
            assertTrue(usage.contains(part), () -> part + " missing from: " + usage);
        }
    }
}
