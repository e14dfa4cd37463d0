package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    @Test
    void twoEmittersOfOneRunIdAreBothShownAndTheRetryDecidesTheStatus() {
        List<String> lines = RecordedLines.retry();
        List<MonitorState.Update> updates = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            updates.add(state.accept(lines.get(i), T0.plusSeconds(i)));
            if (i == 3) {
                assertEquals("cancelled", state.finalStatus(), "the first attempt alone is cancelled");
            }
            if (i == 4) {
                assertTrue(updates.get(i).newEmitter(), "the retry's run_start is another emitter of the run");
                assertFalse(updates.get(i).newRun());
                assertTrue(state.running(), "a retry makes the cancelled run run again");
                assertNull(state.finalStatus());
            }
        }

        // Every line but the one replayed (same emitter_id and seq), although seq restarts at 1.
        assertEquals(lines.size() - 1, updates.stream().filter(u -> u.kind() == APPLIED).count());
        assertEquals(1, state.duplicates());
        assertEquals(0, state.unknownTypes(), "run_start is shown, not counted as another type");
        assertEquals("success", state.finalStatus());
        assertEquals(List.of("1f3a9c0d5e7b2468", "9bc2e4f1a0d3c5e7"),
                state.emitters().stream().map(MonitorState.EmitterRow::id).toList());
        assertEquals(Arrays.asList("cancelled", "success"),
                state.emitters().stream().map(MonitorState.EmitterRow::status).toList());
        MonitorState.EmitterRow started = state.started();
        assertEquals("gpu-node-9", started.host());
        assertEquals(4377L, started.pid());
        assertEquals("17.0.15+6", started.jvmVersion());
        assertEquals(Map.of("lr", "0.001", "epochs", "3", "model", "resnet18"), started.params());
        assertEquals(List.of("lr", "epochs", "model"), List.copyOf(started.params().keySet()), "in the line's order");
        assertEquals(Map.of("experiment", "baseline"), started.tags());
        assertEquals(List.of(new MonitorState.TargetRow("cifar10", "success", 1, 0.883,
                Map.of("loss", 0.66, "val_auc", 0.883))), state.completedTargets());
    }

    @Test
    void aLineIsADuplicateBySeqOfItsEmitterAloneWhenItNamesOne() {
        String first = line("error", "\"error_message\": \"boom\", \"error_type\": \"X\", \"recoverable\": true,"
                + " \"seq\": 1, \"emitter_id\": \"00000000000000aa\"");
        assertEquals(APPLIED, state.accept(first, T0).kind());
        assertEquals(DUPLICATE, state.accept(first, T0).kind());
        // Another emitter of the same run, worker and seq: another event (init twice, a retry).
        assertEquals(APPLIED, state.accept(first.replace("00000000000000aa", "00000000000000bb"), T0).kind());
        // The same emitter and seq under another worker or run id is the same line.
        assertEquals(DUPLICATE, state.accept(first.replace("\"seq\": 1", "\"seq\": 1, \"worker\": \"w-1\""), T0).kind());

        assertEquals(2, state.errorCount());
        assertEquals(2, state.emitters().size());
    }

    @Test
    void aRunOfSeveralWorkersEndsWhenTheLatestEmitterOfEachHasAndTheWorstStatusWins() {
        state.accept(worker("rank-0", "e0", "progress", "\"stage\": \"training\", \"progress_pct\": 10"), T0);
        state.accept(worker("rank-1", "e1", "progress", "\"stage\": \"training\", \"progress_pct\": 10"), T0);
        state.accept(worker("rank-1", "e1", "run_complete", "\"status\": \"failed\""), T0);
        // rank-1 retried: its new emitter replaces the failed one.
        state.accept(worker("rank-1", "e2", "progress", "\"stage\": \"training\", \"progress_pct\": 50"), T0);
        state.accept(worker("rank-0", "e0", "run_complete", "\"status\": \"success\""), T0);
        assertTrue(state.running(), "rank-1's retry is still running");

        state.accept(worker("rank-1", "e2", "run_complete", "\"status\": \"cancelled\""), T0);
        assertEquals("cancelled", state.finalStatus());
        assertEquals(3, state.emitters().size());
    }

    @Test
    void progressCarriesEpochStepThroughputEtaAndTheMetricsOfTheCurrentTarget() {
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 20, \"current_target\": \"a\","
                + " \"eta_seconds\": 40.0, \"metrics\": {\"loss\": 0.9, \"acc\": null}, \"epoch\": 2, \"step\": 1200,"
                + " \"throughput\": 812.5"), T0);

        assertEquals(2L, state.epoch());
        assertEquals(1200L, state.step());
        assertEquals(812.5, state.throughput());
        assertEquals(Duration.ofSeconds(30), state.eta(T0.plusSeconds(10)), "counted down since it arrived");
        assertEquals(Duration.ZERO, state.eta(T0.plusSeconds(99)));
        assertEquals(Arrays.asList("loss", "acc"), List.copyOf(state.currentMetrics().keySet()));
        assertNull(state.currentMetrics().get("acc"), "a null metric is shown as none");

        // Another target: its own metrics; null and wrong-typed loop figures read as none.
        state.accept(line("progress", "\"stage\": \"training\", \"progress_pct\": 60, \"current_target\": \"b\","
                + " \"eta_seconds\": null, \"metrics\": null, \"epoch\": null, \"step\": -1, \"throughput\": \"fast\""), T0);
        assertNull(state.epoch());
        assertNull(state.step());
        assertNull(state.throughput());
        assertNull(state.eta(T0));
        assertTrue(state.currentMetrics().isEmpty());
        assertEquals(List.of(0.9), state.sparkValues("a"));
    }

    @Test
    void theSparklineMetricIsTheOneAskedForElseTheFirstLossOrAucLikeElseTheFirst() {
        state.accept(line("progress", "\"stage\": \"t\", \"progress_pct\": 1, \"metrics\": {\"lr\": 0.1, \"f1\": 0.5}"), T0);
        assertEquals("lr", state.sparkMetric());
        state.accept(line("progress", "\"stage\": \"t\", \"progress_pct\": 2, \"metrics\": {\"lr\": 0.1, \"val_AUC\": 0.7,"
                + " \"train_loss\": 0.3}"), T0);
        assertEquals("val_AUC", state.sparkMetric());
        assertEquals(List.of(0.7), state.sparkValues(null));

        MonitorState asked = new MonitorState("f1");
        asked.accept(line("progress", "\"stage\": \"t\", \"progress_pct\": 1, \"metrics\": {\"loss\": 1, \"f1\": 0.5}"), T0);
        asked.accept(line("progress", "\"stage\": \"t\", \"progress_pct\": 2, \"metrics\": {\"loss\": 1, \"f1\": 0.6}"), T0);
        assertEquals("f1", asked.sparkMetric());
        assertEquals(List.of(0.5, 0.6), asked.sparkValues(null));
        assertNull(new MonitorState().sparkMetric(), "no metric before any was sent");
    }

    @Test
    void aSparklineKeepsTheLatestValuesOnly() {
        for (int i = 0; i < MonitorState.HISTORY_KEPT + 5; i++) {
            state.accept(line("progress", "\"stage\": \"t\", \"progress_pct\": 1, \"metrics\": {\"loss\": " + i + "}"), T0);
        }
        List<Double> values = state.sparkValues(null);
        assertEquals(MonitorState.HISTORY_KEPT, values.size());
        assertEquals(5.0, values.get(0));
    }

    private static String worker(String worker, String emitterId, String type, String fields) {
        return line(type, fields + ", \"worker\": \"" + worker + "\", \"emitter_id\": \"" + emitterId + "\"");
    }

    /** An event line of run-1 with the given type and fields; {@code TS} in the timestamp may be replaced. */
    static String line(String type, String fields) {
        return "{\"event_type\": \"" + type + "\", " + fields + ", \"run_id\": \"run-1\", \"timestamp\": \"TS\"}";
    }
}
