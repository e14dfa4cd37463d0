package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Our lines mean what the seed's Python emitter (seed Part 1) writes for the same call: for every
 * event type and every overload, the line the real emitter appends to the fallback file parses
 * to the same object, with the same keys in the same order, as the line {@code json.dumps}
 * printed for the seed's call (pasted below verbatim, backslashes doubled for the text block).
 * Only {@code timestamp} (a clock reading) and our additive keys after it ({@code seq},
 * {@code elapsed_seconds} or {@code duration_seconds}, {@code eta_seconds}, {@code metrics}) differ;
 * numbers compare by value ({@code 60} equals {@code 60.0}). Every emitter starts with a
 * {@code run_start} line (seq 1) that the seed does not write; the seed's lines follow it.
 */
class WireFormatGoldenTest {

    /** Non-ASCII (2-byte, 3-byte and a surrogate pair), quotes, a backslash and a tab. */
    private static final String HOSTILE_TARGET = "ret_5m_\u00e4\u00f6\u20ac\uD83D\uDE00 \"q\" back\\slash\ttab";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Numbers equal by value (Python's {@code 0} and our {@code 0.0}); everything else exactly. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.doubleValue() == b.doubleValue() ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    @TempDir
    Path tempDir;

    static Stream<Arguments> seedCalls() {
        return Stream.of(
                golden("emitProgress(stage, pct, target, complete, total): the wire format's Python example",
                        e -> e.emitProgress("training", 60.0, "ret_5m", 3, 5),
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 60.0, "current_target": "ret_5m", "targets_complete": 3, "targets_total": 5, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgress(..., metrics): the seed's object, metrics after timestamp",
                        e -> e.emitProgress("training", 60.0, "ret_5m", 3, 5, java.util.Map.of("loss", 0.25)),
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 60.0, "current_target": "ret_5m", "targets_complete": 3, "targets_total": 5, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgress(..., epoch, step, throughput, metrics): the seed's object, the loop's keys after timestamp",
                        e -> e.emitProgress("training", 60.0, "ret_5m", 3, 5, 2, 1200, 512.5, java.util.Map.of("loss", 0.25)),
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 60.0, "current_target": "ret_5m", "targets_complete": 3, "targets_total": 5, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgressWithItemCount(...): the seed's object, the loop's keys after timestamp",
                        e -> e.emitProgressWithItemCount("training", 60.0, "ret_5m", 3, 5, 2, 1200, 65_536, null),
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 60.0, "current_target": "ret_5m", "targets_complete": 3, "targets_total": 5, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitStageChange(new) as the first event: previous null",
                        e -> e.emitStageChange("ranking"),
                        """
                        {"event_type": "stage_change", "previous_stage": null, "new_stage": "ranking", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitTargetComplete(..., metrics): the seed's object, metrics after timestamp",
                        e -> e.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 3, 0.6512, java.util.Map.of("f1", 0.5)),
                        """
                        {"event_type": "target_complete", "target": "ret_5m", "status": "success", "models_trained": 3, "best_auc": 0.6512, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgress(stage, pct): seed emit_progress('ranking', 0)",
                        e -> e.emitProgress("ranking", 0),
                        """
                        {"event_type": "progress", "stage": "ranking", "progress_pct": 0, "current_target": null, "targets_complete": 0, "targets_total": 0, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgress with targets_total only",
                        e -> e.emitProgress("ranking", 100, null, 0, 4),
                        """
                        {"event_type": "progress", "stage": "ranking", "progress_pct": 100, "current_target": null, "targets_complete": 0, "targets_total": 4, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgress with non-ASCII, quotes, backslash and tab in the target",
                        e -> e.emitProgress("feature_selection", (1.0 / 3) * 100, HOSTILE_TARGET, 1, 3),
                        """
                        {"event_type": "progress", "stage": "feature_selection", "progress_pct": 33.33333333333333, "current_target": "ret_5m_\\u00e4\\u00f6\\u20ac\\ud83d\\ude00 \\"q\\" back\\\\slash\\ttab", "targets_complete": 1, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitProgress with no current target",
                        e -> e.emitProgress("training", 42.5, null, 2, 4),
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 42.5, "current_target": null, "targets_complete": 2, "targets_total": 4, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitStageChange(null, new): run starting",
                        e -> e.emitStageChange(null, "ranking"),
                        """
                        {"event_type": "stage_change", "previous_stage": null, "new_stage": "ranking", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitStageChange(previous, new)",
                        e -> e.emitStageChange("ranking", "feature_selection"),
                        """
                        {"event_type": "stage_change", "previous_stage": "ranking", "new_stage": "feature_selection", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitTargetComplete(target, status, models, auc)",
                        e -> e.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 3, 0.6512),
                        """
                        {"event_type": "target_complete", "target": "ret_5m", "status": "success", "models_trained": 3, "best_auc": 0.6512, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitTargetComplete(target, status) with a hostile target name",
                        e -> e.emitTargetComplete(HOSTILE_TARGET, TargetStatus.FAILED),
                        """
                        {"event_type": "target_complete", "target": "ret_5m_\\u00e4\\u00f6\\u20ac\\ud83d\\ude00 \\"q\\" back\\\\slash\\ttab", "status": "failed", "models_trained": 0, "best_auc": null, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitTargetComplete failed with no AUC (NaN -> null)",
                        e -> e.emitTargetComplete("ret_15m", TargetStatus.FAILED, 0, Double.NaN),
                        """
                        {"event_type": "target_complete", "target": "ret_15m", "status": "failed", "models_trained": 0, "best_auc": null, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitTargetComplete(target, SKIPPED)",
                        e -> e.emitTargetComplete("ret_1h", TargetStatus.SKIPPED),
                        """
                        {"event_type": "target_complete", "target": "ret_1h", "status": "skipped", "models_trained": 0, "best_auc": null, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitRunComplete(SUCCESS)",
                        e -> e.emitRunComplete(RunStatus.SUCCESS),
                        """
                        {"event_type": "run_complete", "status": "success", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitRunComplete(FAILED)",
                        e -> e.emitRunComplete(RunStatus.FAILED),
                        """
                        {"event_type": "run_complete", "status": "failed", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitRunComplete(CANCELLED)",
                        e -> e.emitRunComplete(RunStatus.CANCELLED),
                        """
                        {"event_type": "run_complete", "status": "cancelled", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitError(message, type, false)",
                        e -> e.emitError("CUDA out of memory", "RuntimeError", false),
                        """
                        {"event_type": "error", "error_message": "CUDA out of memory", "error_type": "RuntimeError", "recoverable": false, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitError with quotes, newline, tab and non-ASCII in the message",
                        e -> e.emitError("bad \"row\"\n\tat line 3 \u2013 \u00fcn\u00efc\u00f6d\u00e9", "ValueError", true),
                        """
                        {"event_type": "error", "error_message": "bad \\"row\\"\\n\\tat line 3 \\u2013 \\u00fcn\\u00efc\\u00f6d\\u00e9", "error_type": "ValueError", "recoverable": true, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitError((Throwable) null, true)",
                        e -> e.emitError((Throwable) null, true),
                        """
                        {"event_type": "error", "error_message": "unknown error", "error_type": "unknown", "recoverable": true, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitError(Throwable without message, false)",
                        e -> e.emitError(new IllegalStateException(), false),
                        """
                        {"event_type": "error", "error_message": "java.lang.IllegalStateException", "error_type": "java.lang.IllegalStateException", "recoverable": false, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""),
                golden("emitError(Throwable, true)",
                        e -> e.emitError(new IOException("disk full"), true),
                        """
                        {"event_type": "error", "error_message": "disk full", "error_type": "java.io.IOException", "recoverable": true, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seedCalls")
    void lineParsesToTheSeedEmittersObject(String call, Consumer<TrainingEventEmitter> emit, String seedLine)
            throws IOException {
        try (DefaultTrainingEventEmitter emitter = newEmitter()) {
            Instant before = Instant.now();
            emit.accept(emitter);
            Instant after = Instant.now();

            List<JsonNode> lines = WireValidator.validateAll(eventFile());
            assertEquals(2, lines.size(), "run_start, then one line for the call");
            assertRunStart(lines.get(0));
            JsonNode ours = lines.get(1);
            assertSameEvent(seedLine, ours);
            assertEquals(2, ours.get("seq").longValue(), "the call's line follows run_start (seq 1)");
            assertAdditiveKeys(ours);
            assertTimestampWithin(ours, before, after);
        }
    }

    /** The trainer integration of seed Part 2, three targets, one failed: every line, in order. */
    @Test
    void seedTrainerFlowMatchesLineByLine() throws IOException {
        List<String> seedLines = List.of(
                        """
                        {"event_type": "stage_change", "previous_stage": null, "new_stage": "ranking", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "ranking", "progress_pct": 0, "current_target": null, "targets_complete": 0, "targets_total": 0, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "ranking", "progress_pct": 100, "current_target": null, "targets_complete": 0, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "stage_change", "previous_stage": "ranking", "new_stage": "feature_selection", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "feature_selection", "progress_pct": 0.0, "current_target": "ret_5m", "targets_complete": 0, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "feature_selection", "progress_pct": 33.33333333333333, "current_target": "ret_15m", "targets_complete": 1, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "feature_selection", "progress_pct": 66.66666666666666, "current_target": "ret_1h", "targets_complete": 2, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "stage_change", "previous_stage": "feature_selection", "new_stage": "training", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 0.0, "current_target": "ret_5m", "targets_complete": 0, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "target_complete", "target": "ret_5m", "status": "success", "models_trained": 3, "best_auc": 0.71, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 33.33333333333333, "current_target": "ret_15m", "targets_complete": 1, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "target_complete", "target": "ret_15m", "status": "failed", "models_trained": 0, "best_auc": null, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 66.66666666666666, "current_target": "ret_1h", "targets_complete": 2, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "target_complete", "target": "ret_1h", "status": "success", "models_trained": 2, "best_auc": 0.5834, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "progress", "stage": "training", "progress_pct": 100, "current_target": null, "targets_complete": 3, "targets_total": 3, "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}""",
                        """
                        {"event_type": "run_complete", "status": "success", "run_id": "run-1", "timestamp": "2026-01-21T12:34:56.123456+00:00"}"""
        );
        String[] targets = {"ret_5m", "ret_15m", "ret_1h"};
        boolean[] success = {true, false, true};
        int[] models = {3, 0, 2};
        double[] auc = {0.71, Double.NaN, 0.5834};
        Instant before = Instant.now();
        try (DefaultTrainingEventEmitter e = newEmitter()) {
            e.emitStageChange(null, "ranking");
            e.emitProgress("ranking", 0);
            e.emitProgress("ranking", 100, null, 0, targets.length);
            e.emitStageChange("ranking", "feature_selection");
            for (int i = 0; i < targets.length; i++) {
                e.emitProgress("feature_selection", ((double) i / targets.length) * 100, targets[i], i, targets.length);
            }
            e.emitStageChange("feature_selection", "training");
            for (int i = 0; i < targets.length; i++) {
                e.emitProgress("training", ((double) i / targets.length) * 100, targets[i], i, targets.length);
                e.emitTargetComplete(targets[i], success[i] ? TargetStatus.SUCCESS : TargetStatus.FAILED,
                        models[i], auc[i]);
            }
            e.emitProgress("training", 100, null, targets.length, targets.length);
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        Instant after = Instant.now();

        List<JsonNode> all = WireValidator.validateAll(eventFile());
        assertEquals(1 + seedLines.size(), all.size(),
                "run_start, one line per call, and no 'cancelled' added by close() after run_complete");
        assertRunStart(all.get(0));
        List<JsonNode> ours = all.subList(1, all.size());
        Instant previous = Instant.MIN;
        double previousElapsed = all.get(0).get("elapsed_seconds").doubleValue();
        for (int i = 0; i < ours.size(); i++) {
            JsonNode line = ours.get(i);
            assertSameEvent(seedLines.get(i), line);
            assertEquals(i + 2, line.get("seq").longValue(), "seq of line " + (i + 2));
            assertAdditiveKeys(line);
            Instant at = assertTimestampWithin(line, before, after);
            assertFalse(at.isBefore(previous), "timestamps never go back within one emitter");
            previous = at;
            double elapsed = (line.has("elapsed_seconds") ? line.get("elapsed_seconds")
                    : line.get("duration_seconds")).doubleValue();
            assertTrue(elapsed >= previousElapsed, "elapsed time never goes back within one emitter");
            previousElapsed = elapsed;
        }
    }

    /** The line every emitter starts with: not the seed's, but readers ignore a type they do not know. */
    private static void assertRunStart(JsonNode line) {
        assertEquals("run_start", line.get("event_type").textValue());
        assertEquals(1, line.get("seq").longValue(), "run_start is the first line of an emitter");
        assertEquals("run-1", line.get("run_id").textValue());
        assertEquals(List.of("event_type", "pid", "host", "jvm_version", "start_time", "tags", "run_id", "timestamp",
                "seq", "emitter_id", "elapsed_seconds", "params"), keys(line));
    }

    /** Exactly the additive keys of docs/wire-format.md after timestamp, in order, and nothing else. */
    private static void assertAdditiveKeys(JsonNode line) {
        List<String> keys = keys(line);
        List<String> additive = keys.subList(keys.indexOf("timestamp") + 1, keys.size());
        List<String> expected = switch (line.get("event_type").textValue()) {
            case "progress" -> List.of("seq", "emitter_id", "elapsed_seconds", "eta_seconds", "metrics", "epoch", "step",
                    "throughput");
            case "target_complete" -> List.of("seq", "emitter_id", "elapsed_seconds", "metrics");
            case "run_complete" -> List.of("seq", "emitter_id", "duration_seconds");
            default -> List.of("seq", "emitter_id", "elapsed_seconds");
        };
        assertEquals(expected, additive, "additive keys of " + line);
    }

    private DefaultTrainingEventEmitter newEmitter() {
        return DefaultTrainingEventEmitter.builder("run-1")
                .environment(name -> null) // no worker, tags or mode from the machine running the tests
                .properties(name -> null)
                .socketPath(tempDir.resolve("none.sock"))
                .filePath(eventFile())
                .synchronous(true)
                .shutdownHook(false)
                .build();
    }

    private Path eventFile() {
        return tempDir.resolve("events.jsonl");
    }

    private static Arguments golden(String call, Consumer<TrainingEventEmitter> emit, String seedLine) {
        return Arguments.of(call, emit, seedLine);
    }

    /**
     * Same keys in the same order up to {@code timestamp}, same values (numbers by value) except
     * the timestamp; our additive keys after it are not part of the seed's object.
     */
    private static void assertSameEvent(String seedLine, JsonNode ours) throws IOException {
        ObjectNode seed = (ObjectNode) JSON.readTree(seedLine);
        List<String> seedKeys = keys(seed);
        List<String> ourKeys = keys(ours);
        int timestampAt = ourKeys.indexOf("timestamp");
        assertTrue(timestampAt >= 0, "no timestamp in " + ours);
        assertEquals(seedKeys, ourKeys.subList(0, timestampAt + 1),
                "key order differs from the seed's line " + seedLine);

        ObjectNode ourCore = JSON.createObjectNode();
        for (String key : ourKeys.subList(0, timestampAt)) {
            ourCore.set(key, ours.get(key));
        }
        seed.remove("timestamp");
        if (!seed.equals(BY_VALUE, ourCore)) {
            fail("our line means something else than the seed's\n seed: " + seed + "\n ours: " + ourCore);
        }
    }

    private static Instant assertTimestampWithin(JsonNode line, Instant before, Instant after) {
        Instant at = OffsetDateTime.parse(line.get("timestamp").textValue()).toInstant();
        Duration slack = Duration.ofSeconds(1);
        assertFalse(at.isBefore(before.minus(slack)) || at.isAfter(after.plus(slack)),
                "timestamp " + at + " is not the wall-clock time of the call (" + before + " .. " + after + ")");
        return at;
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(keys::add);
        return keys;
    }
}
