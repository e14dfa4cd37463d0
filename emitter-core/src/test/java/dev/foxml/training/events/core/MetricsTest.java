package dev.foxml.training.events.core;

import dev.foxml.training.events.core.encode.EventEncoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.TargetStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Custom metrics on {@code progress} and {@code target_complete}: a nested {@code metrics} object
 * after the timing keys, in the map's order, copied during the call, non-finite values as
 * {@code null}, at most 64 entries, and {@code null} when there are none.
 */
class MetricsTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("events.jsonl");
    }

    private DefaultTrainingEventEmitter emitter() {
        return Lines.hermetic("run-m", dir, file()).runStartEvent(false).build();
    }

    private List<JsonNode> lines() {
        return WireValidator.validateAll(file());
    }

    @Test
    void metricsAreWrittenAsNumbersInTheMapsOrder() {
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("loss", 0.25);
        metrics.put("lr", 1e-4);
        metrics.put("step", 1200);
        metrics.put("samples", 9_000_000_000L);
        metrics.put("acc", 0.5f);
        metrics.put("exact", new BigDecimal("0.1"));
        metrics.put("tiny", 1e-300);
        metrics.put("negative", -2.5);
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 40.0, "ret_5m", 2, 5, metrics);
            e.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 3, 0.71, metrics);
            assertEquals(0, e.stats().invalidArguments());
        }
        for (JsonNode line : lines().subList(0, 2)) {
            JsonNode written = line.get("metrics");
            assertEquals(new ArrayList<>(metrics.keySet()), Lines.keys(written), "metrics in the map's order");
            for (Map.Entry<String, Number> m : metrics.entrySet()) {
                assertTrue(written.get(m.getKey()).isNumber(), m.getKey());
                assertEquals(m.getValue().doubleValue(), written.get(m.getKey()).doubleValue(), 0.0, m.getKey());
            }
            List<String> keys = Lines.keys(line);
            List<String> after = line.get("event_type").textValue().equals("progress")
                    ? List.of("metrics", "epoch", "step", "throughput") : List.of("metrics");
            assertEquals(after, keys.subList(keys.size() - after.size(), keys.size()), "metrics, then the loop's keys");
        }
    }

    @Test
    void nonFiniteMetricsAreWrittenAsNullAndTheCallIsCountedOnce() {
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("nan", Double.NaN);
        metrics.put("inf", Double.POSITIVE_INFINITY);
        metrics.put("-inf", Float.NEGATIVE_INFINITY);
        metrics.put("none", null);
        metrics.put("fine", 1.5);
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 40.0, null, 0, 0, metrics);
            assertEquals(1, e.stats().invalidArguments(), "one invalid call, however many bad values");
            e.emitTargetComplete("t", TargetStatus.FAILED, 0, Double.NaN, metrics);
            assertEquals(2, e.stats().invalidArguments());
        }
        for (JsonNode line : lines().subList(0, 2)) {
            JsonNode written = line.get("metrics");
            assertEquals(List.of("nan", "inf", "-inf", "none", "fine"), Lines.keys(written));
            for (String name : List.of("nan", "inf", "-inf", "none")) {
                assertTrue(written.get(name).isNull(), name + " is written as null");
            }
            assertEquals(1.5, written.get("fine").doubleValue());
        }
    }

    @Test
    void theCallerMayReuseAndChangeItsMapAsSoonAsTheCallReturns() {
        int n = 2000;
        Map<String, Number> metrics = new LinkedHashMap<>();
        // Asynchronous: the writer encodes later, on its own thread, so only a copy made during
        // the call keeps each line's own values.
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-m", dir, file()).runStartEvent(false)
                .synchronous(false).build()) {
            for (int i = 0; i < n; i++) {
                metrics.clear();
                metrics.put("step", i);
                metrics.put("loss", 1.0 / (i + 1));
                e.emitProgress("training", 50.0, null, 0, 0, metrics);
                metrics.put("added-after-the-call", -1);
                metrics.put("step", -1);
            }
            assertTrue(e.flush());
        }
        List<JsonNode> lines = lines();
        assertEquals(n + 1, lines.size(), "n progress lines and the cancelled run_complete");
        for (int i = 0; i < n; i++) {
            JsonNode written = lines.get(i).get("metrics");
            assertEquals(List.of("step", "loss"), Lines.keys(written), "line " + i);
            assertEquals(i, written.get("step").intValue(), "line " + i);
            assertEquals(1.0 / (i + 1), written.get("loss").doubleValue(), 0.0, "line " + i);
        }
    }

    @Test
    void atMost64MetricsAreWrittenAndMoreAreCountedInvalid() {
        Map<String, Number> metrics = new LinkedHashMap<>();
        Map<String, Number> first64 = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            metrics.put("m" + i, i);
            if (i < 64) {
                first64.put("m" + i, i);
            }
        }
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 1.0, null, 0, 0, metrics);
            assertEquals(1, e.stats().invalidArguments());
            e.emitProgress("training", 1.0, null, 0, 0, first64);
            assertEquals(1, e.stats().invalidArguments(), "exactly 64 is fine");
        }
        List<JsonNode> lines = lines();
        for (JsonNode line : lines.subList(0, 2)) {
            JsonNode written = line.get("metrics");
            assertEquals(64, written.size());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                expected.add("m" + i);
            }
            assertEquals(expected, Lines.keys(written), "the first 64 in the map's order");
        }
    }

    @Test
    void withoutMetricsTheKeyIsNull() {
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 1.0);
            e.emitProgress("training", 1.0, null, 0, 0);
            e.emitProgress("training", 1.0, null, 0, 0, null);
            e.emitProgress("training", 1.0, null, 0, 0, Map.of());
            e.emitTargetComplete("t", TargetStatus.SKIPPED);
            e.emitTargetComplete("t", TargetStatus.SUCCESS, 1, 0.5);
            e.emitTargetComplete("t", TargetStatus.SUCCESS, 1, 0.5, null);
            e.emitTargetComplete("t", TargetStatus.SUCCESS, 1, 0.5, new HashMap<>());
            assertEquals(0, e.stats().invalidArguments());
        }
        List<JsonNode> lines = lines();
        assertEquals(9, lines.size());
        for (JsonNode line : lines.subList(0, 8)) {
            assertTrue(line.has("metrics") && line.get("metrics").isNull(), "metrics: null in " + line);
        }
    }

    @Test
    void hostileMetricNamesAreRepairedLikeAnyOtherString() {
        String longName = "n".repeat(5000);
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("line\nbreak", 1);
        metrics.put("sep\u2028arator", 2);
        metrics.put("lone\uD800surrogate", 3);
        metrics.put("\u00e4\u20ac\uD83D\uDE00", 4);
        metrics.put("quote\"back\\slash", 5);
        metrics.put(longName, 6);
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-m", dir, file()).runStartEvent(false)
                .maxStringChars(4096).build()) {
            e.emitProgress("training", 1.0, null, 0, 0, metrics);
            assertEquals(1, e.stats().invalidArguments());
        }
        JsonNode written = lines().get(0).get("metrics");
        assertEquals(List.of("line\nbreak", "sep\u2028arator", "lone\uFFFDsurrogate", "\u00e4\u20ac\uD83D\uDE00",
                "quote\"back\\slash", "n".repeat(EventEncoder.MAX_NAME_CHARS - 14) + "...[truncated]"), Lines.keys(written));
    }

    @Test
    void aMetricNameThatMustBeCutIsCountedInvalid() {
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-m", dir, file()).runStartEvent(false)
                .maxStringChars(64).build()) {
            e.emitProgress("training", 1.0, null, 0, 0, Map.of("n".repeat(65), 1.0));
            assertEquals(1, e.stats().invalidArguments(), "the name was cut: the call was repaired");
        }
        assertEquals("n".repeat(50) + "...[truncated]", Lines.keys(lines().get(0).get("metrics")).get(0));
    }

    @Test
    void strictModeRejectsNonFiniteMetricsAndAcceptsFiniteOnes() {
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-m", dir, file()).runStartEvent(false)
                .strict(true).build()) {
            assertThrows(IllegalArgumentException.class,
                    () -> e.emitProgress("training", 1.0, null, 0, 0, Map.of("loss", Double.NaN)));
            assertDoesNotThrow(() -> e.emitProgress("training", 1.0, null, 0, 0, Map.of("loss", 0.5)));
        }
        List<JsonNode> lines = lines();
        assertEquals(2, lines.size(), "the rejected call wrote nothing; then progress and run_complete");
        assertEquals(0.5, lines.get(0).get("metrics").get("loss").doubleValue());
    }
}
