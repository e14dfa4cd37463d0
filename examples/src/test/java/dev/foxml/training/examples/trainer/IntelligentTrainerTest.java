package dev.foxml.training.examples.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.examples.monitor.MonitorState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the real trainer (small data, real Tribuo models) once through the {@link TrainingEvents}
 * facade with a recording provider, and checks its events against what the seed's
 * {@code _run_training_stages} emits.
 */
class IntelligentTrainerTest {

    private static final String RUN_ID = "trainer-test-run";
    private static IntelligentTrainer.RunSummary summary;
    private static List<Map<String, Object>> events;

    @BeforeAll
    static void trainOnce() {
        assertEquals(RecordingEmitterProvider.class.getName(), System.getProperty(TrainingEvents.PROVIDER_PROPERTY),
                "surefire must choose the recording provider; see examples/pom.xml");
        summary = new IntelligentTrainer(TrainerConfig.small(), line -> { }).run(RUN_ID);
        RecordingEmitterProvider.RecordingEmitter emitter = RecordingEmitterProvider.emitterFor(RUN_ID);
        assertTrue(emitter.closed(), "the trainer shuts the facade down at the end of the run");
        events = emitter.events();
    }

    @Test
    void emitsExactlyTheSeedsSequenceForTheRankedTargets() {
        List<String> ranked = summary.results().stream().map(TargetOutcome::target).toList();
        int n = ranked.size();
        List<Map<String, Object>> expected = new ArrayList<>();
        expected.add(stageChange(null, "ranking"));
        expected.add(progress("ranking", 0.0, null, 0, 0));
        expected.add(progress("ranking", 100.0, null, 0, n));
        expected.add(stageChange("ranking", "feature_selection"));
        for (int i = 0; i < n; i++) {
            expected.add(progress("feature_selection", (double) i / n * 100, ranked.get(i), i, n));
        }
        expected.add(stageChange("feature_selection", "training"));
        for (int i = 0; i < n; i++) {
            expected.add(progress("training", (double) i / n * 100, ranked.get(i), i, n));
            TargetOutcome result = summary.results().get(i);
            if (!result.success()) {
                expected.add(error(result.failure()));
            }
            expected.add(targetComplete(result));
        }
        expected.add(progress("training", 100.0, null, n, n));
        expected.add(Map.of("event_type", "run_complete", "status", "success"));

        assertEquals(expected.size(), events.size(), "number of events");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), events.get(i), "event " + i);
        }
    }

    @Test
    void trainsEveryStandardTargetOnceAndRanksTheStrongestSignalFirst() {
        List<String> completed = events.stream().filter(e -> e.get("event_type").equals("target_complete"))
                .map(e -> (String) e.get("target")).toList();
        assertEquals(TargetSpec.STANDARD.size(), completed.size());
        assertEquals(TargetSpec.STANDARD.size(), completed.stream().distinct().count(), "one target_complete per target");
        assertEquals("ret_5m", completed.get(0), "the strongest signal ranks first");
        assertEquals("crash_1d", completed.get(completed.size() - 1), "the unscoreable target ranks last");
    }

    @Test
    void reportsRealAucsThatFollowTheSignalStrength() {
        Map<String, TargetOutcome> byTarget = new LinkedHashMap<>();
        summary.results().forEach(r -> byTarget.put(r.target(), r));
        for (TargetOutcome result : summary.results()) {
            if (result.target().equals("crash_1d")) {
                continue;
            }
            assertAll(result.target(),
                    () -> assertTrue(result.success()),
                    () -> assertEquals(3, result.modelsTrained()),
                    () -> assertTrue(result.bestAuc() > 0.5 && result.bestAuc() <= 1.0, "AUC " + result.bestAuc()));
        }
        assertTrue(byTarget.get("ret_5m").bestAuc() > byTarget.get("ret_30m").bestAuc());
        assertTrue(byTarget.get("ret_30m").bestAuc() > byTarget.get("ret_4h").bestAuc());
        assertTrue(byTarget.get("ret_5m").bestAuc() > 0.7, "the strong signal is learned");
        // ret_1h reverses after large moves: a line cannot follow that, trees can.
        TargetOutcome hour = byTarget.get("ret_1h");
        assertTrue(hour.aucByModel().get("random_forest") > hour.aucByModel().get("logistic_regression") + 0.03,
                hour.aucByModel()::toString);
    }

    @Test
    void theRareTargetFailsForTooFewPositiveLabelsWithAnErrorFirst() {
        int errorAt = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).get("event_type").equals("error")) {
                assertEquals(-1, errorAt, "exactly one error");
                errorAt = i;
            }
        }
        Map<String, Object> error = events.get(errorAt);
        Map<String, Object> next = events.get(errorAt + 1);
        assertEquals(InsufficientLabelsException.class.getName(), error.get("error_type"));
        assertTrue(((String) error.get("error_message")).startsWith("crash_1d has "), (String) error.get("error_message"));
        assertEquals(true, error.get("recoverable"));
        assertEquals("target_complete", next.get("event_type"));
        assertEquals("crash_1d", next.get("target"));
        assertEquals("failed", next.get("status"));
        assertEquals(0, next.get("models_trained"));
        assertNull(next.get("best_auc"));
    }

    @Test
    void theMonitorShowsWhatTheTrainerEmitted() throws Exception {
        ObjectMapper json = new ObjectMapper();
        MonitorState state = new MonitorState();
        Instant at = Instant.parse("2026-01-21T12:00:00Z");
        long seq = 0;
        for (Map<String, Object> event : events) {
            Map<String, Object> line = new LinkedHashMap<>(event);
            line.put("run_id", RUN_ID);
            line.put("timestamp", at.plusSeconds(seq).toString().replace("Z", "+00:00"));
            line.put("seq", ++seq);
            String text = json.writeValueAsString(line);
            assertEquals(MonitorState.Update.Kind.APPLIED, state.accept(text, at.plusSeconds(seq)).kind(), text);
            // The emitter may deliver a line twice (socket, then file replay): it counts once.
            assertEquals(MonitorState.Update.Kind.DUPLICATE, state.accept(text, at.plusSeconds(seq)).kind());
        }
        assertEquals(RUN_ID, state.runId());
        assertEquals("success", state.finalStatus());
        assertFalse(state.running());
        assertEquals(List.of("ranking", "feature_selection", "training"), state.stages());
        assertEquals(TargetSpec.STANDARD.size(), state.completedTargets().size());
        assertEquals(1, state.errorCount());
        for (TargetOutcome result : summary.results()) {
            MonitorState.TargetRow row = state.completedTargets().stream()
                    .filter(r -> r.name().equals(result.target())).findFirst().orElseThrow();
            assertEquals(result.success() ? "success" : "failed", row.status());
            assertEquals(result.modelsTrained(), row.modelsTrained());
            assertEquals(result.success() ? result.bestAuc() : null, row.bestAuc());
        }
    }

    private static Map<String, Object> stageChange(String previous, String next) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", "stage_change");
        event.put("previous_stage", previous);
        event.put("new_stage", next);
        return event;
    }

    private static Map<String, Object> progress(String stage, double pct, String target, int complete, int total) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", "progress");
        event.put("stage", stage);
        event.put("progress_pct", pct);
        event.put("current_target", target);
        event.put("targets_complete", complete);
        event.put("targets_total", total);
        return event;
    }

    private static Map<String, Object> targetComplete(TargetOutcome result) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", "target_complete");
        event.put("target", result.target());
        event.put("status", result.success() ? "success" : "failed");
        event.put("models_trained", result.modelsTrained());
        event.put("best_auc", result.success() ? result.bestAuc() : null);
        return event;
    }

    private static Map<String, Object> error(RuntimeException failure) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", "error");
        event.put("error_message", failure.getMessage());
        event.put("error_type", failure.getClass().getName());
        event.put("recoverable", true);
        return event;
    }
}
