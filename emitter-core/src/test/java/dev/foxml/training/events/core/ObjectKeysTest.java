package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric names and tag keys: repaired like strings, never a key twice, bounded in number. */
class ObjectKeysTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("events.jsonl");
    }

    @Test
    void metricNamesThatRepairMakesEqualAreWrittenOnce() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("k\uD800", 1.0);
        metrics.put("k\uDC00", 2.0);
        metrics.put("k\uFFFD", 3.0);
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-k", dir, file()).runStartEvent(false).build()) {
            e.emitProgress("training", 1.0, null, 0, 0, metrics);
            assertEquals(1, e.stats().invalidArguments());
        }
        List<JsonNode> lines = WireValidator.validateAll(file());
        JsonNode written = lines.get(0).get("metrics");
        assertEquals(List.of("k\uFFFD"), Lines.keys(written), "the first of the colliding names wins");
        assertEquals(1.0, written.get("k\uFFFD").doubleValue());
    }

    @Test
    void tagKeysThatRepairMakesEqualAreWrittenOnce() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("t\uD800", "first");
        tags.put("t\uDBFF", "second");
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-k", dir, file()).tags(tags).build()) {
            assertEquals(1, e.stats().invalidArguments(), "counted once, at start");
        }
        JsonNode runStart = WireValidator.validateAll(file()).get(0);
        assertEquals(List.of("t\uFFFD"), Lines.keys(runStart.get("tags")));
        assertEquals("first", runStart.get("tags").get("t\uFFFD").textValue());
    }

    @Test
    void moreThanThirtyTwoTagsOrABlankKeyFailAtBuild() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("tag" + i, "v");
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-k", dir, file()).tags(many).build());
        assertTrue(tooMany.getMessage().contains("at most 32"), tooMany.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-k", dir, file()).tags(Map.of(" ", "x")).build());
        assertTrue(blank.getMessage().contains("blank key"), blank.getMessage());
        IllegalArgumentException fromEnv = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-k", dir, file())
                        .environment(name -> name.equals(TrainingEventEmitterBuilder.TAGS_ENV) ? " =x" : null)
                        .build());
        assertTrue(fromEnv.getMessage().contains(TrainingEventEmitterBuilder.TAGS_ENV), fromEnv.getMessage());
    }
}
