package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.foxml.training.examples.monitor.MonitorState.Update.Kind.APPLIED;
import static dev.foxml.training.examples.monitor.MonitorState.Update.Kind.BLANK;
import static dev.foxml.training.examples.monitor.MonitorState.Update.Kind.DUPLICATE;
import static dev.foxml.training.examples.monitor.MonitorState.Update.Kind.MALFORMED;
import static dev.foxml.training.examples.monitor.MonitorState.Update.Kind.UNKNOWN_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MonitorStateTest {

    private static final Instant T0 = Instant.parse("2026-01-21T12:34:56.123456Z");

    private final MonitorState state = new MonitorState();

    @Test
    void followsARecordedRunToItsFinalStatusDespiteNoiseLines() {
        List<MonitorState.Update.Kind> kinds = new ArrayList<>();
        for (String line : RecordedLines.run()) {
            kinds.add(state.accept(line, T0).kind());
        }

        assertEquals(RecordedLines.EVENT_LINES - 1, kinds.stream().filter(k -> k == APPLIED).count());
        assertEquals(1, state.unknownTypes(), "the heartbeat");
        assertEquals(1, state.duplicates(), "ret_5m's target_complete replayed with the same seq");
        assertEquals(2, state.malformed(), "the cut-off NaN line and the plain text");
        assertEquals(2, state.blankLines());
        assertEquals(List.of(APPLIED, APPLIED, BLANK, APPLIED, MALFORMED), kinds.subList(0, 5));

        assertEquals("run-1", state.runId());
        assertEquals("success", state.finalStatus());
        assertTrue(state.finished());
        assertFalse(state.running());
        assertEquals(100.0, state.progressPct());
        assertEquals(List.of("ranking", "feature_selection", "training"), state.stages());
        assertEquals(List.of(
                new MonitorState.TargetRow("ret_5m", "success", 3, 0.798),
                new MonitorState.TargetRow("ret_15m", "success", 3, 0.713),
                new MonitorState.TargetRow("crash_1d", "failed", 0, null)), state.completedTargets());
        assertEquals(1, state.errorCount());
        MonitorState.ErrorRow error = state.errors().get(0);
        assertEquals("dev.foxml.training.examples.trainer.InsufficientLabelsException", error.type());
        assertTrue(error.recoverable());
        assertEquals(Duration.ofMillis(13_200), state.elapsed(T0.plusSeconds(3600)),
                "a finished run's time is from its first to its last timestamp");
    }

    @Test
    void progressSetsStageTargetAndCountsAsTheRustView() {
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 40.0, \"current_target\": \"ret_5m\","
                + " \"targets_complete\": 2, \"targets_total\": 5"), T0);

        assertTrue(state.running());
        assertEquals("training", state.stage());
        assertEquals(40.0, state.progressPct());
        assertEquals("ret_5m", state.currentTarget());
        assertEquals(2, state.targetsComplete());
        assertEquals(5, state.targetsTotal());
    }

    @Test
    void fieldsOfTheWrongTypeReadAsAbsentWithoutLosingTheEvent() {
        MonitorState.Update update = state.accept(line("progress", "\"stage\": 7, \"progress_pct\": \"half\","
                + " \"current_target\": [1], \"targets_complete\": -1, \"targets_total\": 2.5"), T0);

        assertEquals(APPLIED, update.kind());
        assertNull(state.stage());
        assertEquals(0.0, state.progressPct());
        assertNull(state.currentTarget());
        assertEquals(0, state.targetsComplete());
        assertEquals(0, state.targetsTotal());
    }

    @Test
    void progressOutsideZeroToHundredIsClamped() {
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 250"), T0);
        assertEquals(100.0, state.progressPct());
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": -3"), T0);
        assertEquals(0.0, state.progressPct());
    }

    @Test
    void unknownKeysAreIgnoredAndUnknownTypesChangeNothing() {
        assertEquals(APPLIED, state.accept(line("stage_change",
                "\"previous_stage\": null, \"new_stage\": \"ranking\", \"gpu\": {\"mem\": [1, 2]}"), T0).kind());
        MonitorState.Update heartbeat = state.accept(line("heartbeat", "\"stage\": \"training\", \"progress_pct\": 99"), T0);

        assertEquals(UNKNOWN_TYPE, heartbeat.kind());
        assertEquals("heartbeat", heartbeat.detail());
        assertEquals("ranking", state.stage());
        assertEquals(0.0, state.progressPct());
    }

    @Test
    void linesThatAreNotEventsAreCountedAndChangeNothing() {
        List<String> bad = List.of("not json", "{\"event_type\": \"progress\"", "[1, 2]", "\"progress\"", "42",
                "{\"stage\": \"training\"}", "{\"event_type\": 5}", "{\"event_type\": \"progress\", \"progress_pct\": NaN}",
                "{\"event_type\": \"run_complete\", \"status\": \"success\"} trailing", "{\"event_type\": \"x\",}");
        for (String line : bad) {
            assertEquals(MALFORMED, state.accept(line, T0).kind(), line);
        }
        assertEquals(BLANK, state.accept("", T0).kind());
        assertEquals(BLANK, state.accept(" \t", T0).kind());

        assertEquals(bad.size(), state.malformed());
        assertFalse(state.hasRun());
        assertEquals(0, state.events());
    }

    @Test
    void dropsALineSeenTwiceByRunWorkerAndSeq() {
        String first = line("error", "\"error_message\": \"boom\", \"error_type\": \"X\", \"recoverable\": true, \"seq\": 1");
        assertEquals(APPLIED, state.accept(first, T0).kind());
        assertEquals(DUPLICATE, state.accept(first, T0).kind());
        // Same seq from another worker, or another run, is another event.
        assertEquals(APPLIED, state.accept(first.replace("\"seq\": 1", "\"seq\": 1, \"worker\": \"w-1\""), T0).kind());
        assertEquals(APPLIED, state.accept(first.replace("\"seq\": 1", "\"seq\": 2"), T0).kind());

        assertEquals(3, state.errorCount());
        assertEquals(1, state.duplicates());
    }

    @Test
    void linesWithoutSeqAreNeverDroppedAndATargetReportedTwiceIsListedOnce() {
        String done = line("target_complete", "\"target\": \"ret_5m\", \"status\": \"success\", \"models_trained\": 3,"
                + " \"best_auc\": 0.7");
        assertEquals(APPLIED, state.accept(done, T0).kind());
        assertEquals(APPLIED, state.accept(done.replace("0.7", "0.75"), T0).kind());

        assertEquals(List.of(new MonitorState.TargetRow("ret_5m", "success", 3, 0.75)), state.completedTargets());
    }

    @Test
    void anEventOfAnotherRunStartsAFreshView() {
        state.accept(line("target_complete", "\"target\": \"ret_5m\", \"status\": \"success\", \"models_trained\": 3,"
                + " \"best_auc\": 0.7"), T0);
        state.accept(line("run_complete", "\"status\": \"success\""), T0);

        MonitorState.Update update = state.accept(line("stage_change", "\"previous_stage\": null, \"new_stage\": \"ranking\"")
                .replace("run-1", "run-2"), T0);

        assertTrue(update.newRun());
        assertEquals("run-2", state.runId());
        assertTrue(state.running());
        assertTrue(state.completedTargets().isEmpty());
        assertNull(state.finalStatus());
    }

    @Test
    void aTrainerThatDisappearsIsShownAsLostNotRunningForever() {
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 20"), T0);
        state.connectionClosed(T0.plusSeconds(1));
        assertTrue(state.connectionLost());

        // Its next event (e.g. through the file fallback) shows it alive again.
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 40"), T0.plusSeconds(2));
        assertFalse(state.connectionLost());

        state.trainerExited(137, T0.plusSeconds(3));
        assertFalse(state.running());
        assertEquals(137, state.trainerExitCode());
    }

    @Test
    void anEventOfAnUnknownTypeIsASignOfLifeOfItsRun() {
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 20"), T0);
        state.connectionClosed(T0.plusSeconds(1));
        state.accept(line("heartbeat", "\"stage\": \"training\", \"progress_pct\": 20"), T0.plusSeconds(30));

        assertFalse(state.connectionLost());
        assertEquals(Duration.ZERO, state.silence(T0.plusSeconds(30)));
        assertEquals(Duration.ofSeconds(30), state.elapsed(T0.plusSeconds(30)));
    }

    @Test
    void aCancelledRunKeepsTheProgressItReached() {
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 40, \"current_target\": \"ret_1h\""), T0);
        state.accept(line("run_complete", "\"status\": \"cancelled\""), T0);

        assertEquals("cancelled", state.finalStatus());
        assertEquals(40.0, state.progressPct());
        assertNull(state.currentTarget());
    }

    @Test
    void aClosedConnectionAfterRunCompleteChangesNothing() {
        state.accept(line("run_complete", "\"status\": \"success\""), T0);
        assertEquals(MonitorState.Update.Kind.IGNORED, state.connectionClosed(T0).kind());
        assertFalse(state.connectionLost());
    }

    @Test
    void elapsedTimeRunsOnBetweenEventsWhileRunning() {
        state.accept(line("progress", "\"stage\": \"ranking\", \"progress_pct\": 0")
                .replace("TS", "2026-01-21T12:00:00.000000+00:00"), T0);
        state.accept(line("progress", "\"stage\": \"ranking\", \"progress_pct\": 50")
                .replace("TS", "2026-01-21T12:00:02.500000+00:00"), T0.plusSeconds(3));

        assertEquals(Duration.ofMillis(2500), state.elapsed(T0.plusSeconds(3)));
        assertEquals(Duration.ofMillis(4500), state.elapsed(T0.plusSeconds(5)));
        assertEquals(Duration.ofSeconds(2), state.silence(T0.plusSeconds(5)));
    }

    @Test
    void eventsWithoutUsableTimestampsAreTimedByArrival() {
        state.accept("{\"event_type\": \"progress\", \"stage\": \"ranking\", \"timestamp\": \"yesterday\"}", T0);
        state.accept("{\"event_type\": \"run_complete\", \"status\": \"failed\"}", T0.plusSeconds(7));

        assertEquals(Duration.ofSeconds(7), state.elapsed(T0.plusSeconds(60)));
        assertEquals("failed", state.finalStatus());
        assertNull(state.runId());
    }

    /** An event line of run-1 with the given type and fields; {@code TS} in the timestamp may be replaced. */
    static String line(String type, String fields) {
        return "{\"event_type\": \"" + type + "\", " + fields + ", \"run_id\": \"run-1\", \"timestamp\": \"TS\"}";
    }
}
