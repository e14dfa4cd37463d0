package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.OnTargetFailure;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetResult;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.events.TrainingRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run as a scope and the per-target loop of the static facade ({@link TrainingEvents#start},
 * {@link TrainingEvents#run}, {@link TrainingRun}, {@link TrainingEvents#forEachTarget}), through
 * ServiceLoader to emitter-core with its defaults (asynchronous, {@code run_start} first),
 * configured by the system properties a trainer would set; what is checked is the file a reader
 * sees. The facade is static state: every test shuts it down and clears the properties.
 */
class RunScopeTest {

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void pointTheFacadeAtTempFiles() {
        file = dir.resolve("events.jsonl");
        System.setProperty(TrainingEventEmitterBuilder.SOCKET_PROPERTY, dir.resolve("none.sock").toString());
        System.setProperty(TrainingEventEmitterBuilder.FILE_PROPERTY, file.toString());
    }

    @AfterEach
    void shutDownTheFacade() {
        TrainingEvents.shutdown();
        System.clearProperty(TrainingEventEmitterBuilder.SOCKET_PROPERTY);
        System.clearProperty(TrainingEventEmitterBuilder.FILE_PROPERTY);
    }

    private List<JsonNode> lines() {
        return WireValidator.validateAll(file);
    }

    /** A trainer's own checked exception, as error_type shows it. */
    static final class TrainingDiverged extends Exception {
        TrainingDiverged(String message) {
            super(message);
        }
    }

    /** An Error a task might throw (not an Exception): the loop must not swallow it. */
    static final class FatalTrainerError extends Error {
        FatalTrainerError(String message) {
            super(message);
        }
    }

    // ---- the run scope ----

    @Test
    void startThenCloseAfterMarkSucceededReportsSuccessOnceAndShutsTheEmitterDown() {
        TrainingEventEmitter emitter;
        try (TrainingRun run = TrainingEvents.start("run-scope")) {
            emitter = run.emitter();
            assertEquals("run-scope", run.runId());
            assertSame(emitter, TrainingEvents.current(), "the run's emitter is current while the run is open");
            assertInstanceOf(DefaultTrainingEventEmitter.class, emitter, "emitter-core found through ServiceLoader");
            TrainingEvents.emitStageChange(null, "training");
            TrainingEvents.emitProgress("training", 50.0);
            run.markSucceeded();
        }
        assertFalse(TrainingEvents.isInitialized(), "closing the run leaves no emitter current");

        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "stage_change", "progress", "run_complete"), Lines.types(lines));
        assertEquals("success", lines.get(3).get("status").textValue());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals("run-scope", lines.get(i).get("run_id").textValue());
            assertEquals(i + 1, lines.get(i).get("seq").longValue());
        }
        emitter.emitStageChange("training", "after-the-run");
        assertEquals(4, lines().size(), "the run's emitter is closed");
    }

    @Test
    void aBlockThatThrowsIsReportedFailedNotSuccess() {
        IllegalStateException thrown = new IllegalStateException("out of GPU memory");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> {
            try (TrainingRun run = TrainingEvents.start("run-throws")) {
                TrainingEvents.emitStageChange("training");
                throw thrown;
            }
        }));
        assertFalse(TrainingEvents.isInitialized());
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "stage_change", "error", "run_complete"), Lines.types(lines));
        assertEquals(TrainingRun.ENDED_WITHOUT_SUCCESS, lines.get(2).get("error_type").textValue());
        assertFalse(lines.get(2).get("recoverable").booleanValue());
        assertEquals("failed", lines.get(3).get("status").textValue());
    }

    @Test
    void aRunCompleteSentInsideTheBlockIsTheOnlyOne() {
        TrainingEventEmitter emitter;
        try (TrainingRun run = TrainingEvents.start("run-own-status")) {
            emitter = run.emitter();
            TrainingEvents.emitRunComplete(RunStatus.FAILED);
            run.markSucceeded();
        }
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "run_complete"), Lines.types(lines), "not followed by the scope's success");
        assertEquals("failed", lines.get(1).get("status").textValue());
        assertEquals(0, emitter.stats().droppedExtraRunComplete(), "the scope saw the run complete and sent none");
    }

    @Test
    void aSecondRunCompleteFromTheTrainerIsDroppedAndCounted() {
        TrainingEventEmitter emitter;
        try (TrainingRun run = TrainingEvents.start("run-twice")) {
            emitter = run.emitter();
            TrainingEvents.emitRunComplete(RunStatus.FAILED);
            TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
        }
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "run_complete"), Lines.types(lines));
        assertEquals("failed", lines.get(1).get("status").textValue());
        assertEquals(1, emitter.stats().droppedExtraRunComplete());
    }

    // ---- the current emitter ----

    @Test
    void closingTheEmitterInitMadeLeavesNoneCurrentAndLaterHelpersWarn() {
        TrainingEventEmitter closed;
        try (TrainingEventEmitter e = TrainingEvents.init("run-closed")) {
            closed = e;
            TrainingEvents.emitProgress("training", 50.0);
        }
        assertFalse(TrainingEvents.isInitialized(), "a closed emitter is not current");
        String warnings;
        try (StderrCapture err = new StderrCapture()) {
            TrainingEvents.emitProgress("training", 60.0);
            TrainingEvents.emitProgress("training", 70.0);
            warnings = err.text();
        }
        assertEquals(List.of("run_start", "progress", "run_complete"), Lines.types(lines()));
        assertEquals("cancelled", lines().get(2).get("status").textValue());
        assertEquals(1, warnings.split("no training event emitter is current", -1).length - 1,
                "one warning instead of silence: " + warnings);
        assertEquals(0, closed.stats().droppedClosed(), "the closed emitter is no longer reached");
    }

    @Test
    void anInstalledBuilderMadeEmitterServesTheHelpersAndRunClosesIt() throws Exception {
        Path own = dir.resolve("own.jsonl");
        DefaultTrainingEventEmitter emitter = Lines.hermetic("run-built", dir, own).synchronous(false)
                .heartbeat(java.time.Duration.ofSeconds(30)).tags(Map.of("trial", "7")).build();
        assertEquals(null, TrainingEvents.install(emitter), "nothing was current");
        TrainingEvents.run(emitter, () -> {
            TrainingEvents.emitStageChange("training");
            TrainingEvents.forEachTarget("training", List.of("a"), target -> TargetResult.success(1, 0.6));
        });
        assertFalse(TrainingEvents.isInitialized(), "the run closed its emitter, which stopped being current");
        assertTrue(emitter.isClosed());
        List<JsonNode> lines = WireValidator.validateAll(own);
        assertEquals(List.of("run_start", "stage_change", "progress", "target_complete", "progress", "run_complete"),
                Lines.types(lines));
        assertEquals("success", lines.get(5).get("status").textValue());
        assertTrue(lines.stream().allMatch(l -> l.get("run_id").textValue().equals("run-built")));
        assertFalse(file.toFile().exists(), "nothing went to the facade's configured file");
    }

    @Test
    void concurrentTrialsEachReportToTheirOwnEmitter() throws Exception {
        int trials = 4;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < trials; t++) {
            int trial = t;
            Thread thread = new Thread(() -> {
                try (DefaultTrainingEventEmitter emitter = Lines.hermetic("trial-" + trial, dir,
                        dir.resolve("trial-" + trial + ".jsonl")).synchronous(trial % 2 == 0).build()) {
                    TrainingEvents.run(emitter, () -> TrainingEvents.forEachTarget(emitter, "training",
                            List.of("ret_5m", "ret_15m"), target -> {
                                for (int epoch = 0; epoch < 3; epoch++) {
                                    target.epochEnded(epoch, 3, Map.of("loss", 1.0 / (epoch + 1)));
                                }
                                return TargetResult.success(1, 0.5 + trial / 100.0);
                            }));
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertEquals(List.of(), failures);
        assertFalse(file.toFile().exists(), "nothing went to the facade's configured file");
        for (int t = 0; t < trials; t++) {
            List<JsonNode> lines = WireValidator.validateAll(dir.resolve("trial-" + t + ".jsonl"));
            String runId = "trial-" + t;
            assertTrue(lines.stream().allMatch(l -> l.get("run_id").textValue().equals(runId)), runId);
            List<String> types = Lines.types(lines);
            assertEquals("run_start", types.get(0));
            assertEquals(1, types.stream().filter("run_complete"::equals).count(), runId);
            assertEquals("success", lines.get(lines.size() - 1).get("status").textValue());
            List<Double> percents = lines.stream().filter(l -> l.get("event_type").textValue().equals("progress"))
                    .map(l -> l.get("progress_pct").doubleValue()).toList();
            assertEquals(List.of(0.0, 100.0 / 6, 200.0 / 6, 50.0, 50.0, 50.0 + 100.0 / 6, 50.0 + 200.0 / 6,
                    100.0, 100.0), percents, runId + ": the epochs advance within each target's half");
        }
    }

    @Test
    void runWithABodyThatReturnsReportsSuccess() throws Exception {
        TrainingEvents.run("run-ok", () -> TrainingEvents.emitStageChange(null, "training"));
        assertFalse(TrainingEvents.isInitialized());
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "stage_change", "run_complete"), Lines.types(lines));
        assertEquals("success", lines.get(2).get("status").textValue());
    }

    @Test
    void runWithAThrowingBodyReportsTheErrorThenFailedAndRethrowsTheSameException() {
        TrainingDiverged thrown = new TrainingDiverged("loss is NaN at step 300");
        TrainingDiverged caught = assertThrows(TrainingDiverged.class, () -> TrainingEvents.run("run-nan", () -> {
            TrainingEvents.emitStageChange(null, "training");
            throw thrown;
        }));
        assertSame(thrown, caught, "the body's exception is rethrown unchanged");
        assertFalse(TrainingEvents.isInitialized(), "the emitter is shut down when the body throws");

        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "stage_change", "error", "run_complete"), Lines.types(lines),
                "one error, one run_complete, no cancelled");
        JsonNode error = lines.get(2);
        assertEquals("loss is NaN at step 300", error.get("error_message").textValue());
        assertEquals(TrainingDiverged.class.getName(), error.get("error_type").textValue());
        assertFalse(error.get("recoverable").booleanValue());
        assertEquals("failed", lines.get(3).get("status").textValue());
    }

    @Test
    void runRethrowsAnErrorFromTheBodyAfterReportingIt() {
        FatalTrainerError thrown = new FatalTrainerError("native crash in the GBM library");
        FatalTrainerError caught = assertThrows(FatalTrainerError.class,
                () -> TrainingEvents.run("run-error", () -> {
                    throw thrown;
                }));
        assertSame(thrown, caught);
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "error", "run_complete"), Lines.types(lines));
        assertEquals(FatalTrainerError.class.getName(), lines.get(1).get("error_type").textValue());
        assertEquals("failed", lines.get(2).get("status").textValue());
    }

    @Test
    void failReportsTheErrorAndFailedOnceAndCloseAddsNothing() {
        try (TrainingRun run = TrainingEvents.start("run-fail")) {
            run.fail(new IllegalStateException("out of GPU memory"));
            run.fail(new IllegalStateException("a second failure"));
            run.complete(RunStatus.SUCCESS);
        }
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "error", "run_complete"), Lines.types(lines));
        assertEquals("out of GPU memory", lines.get(1).get("error_message").textValue());
        assertEquals("java.lang.IllegalStateException", lines.get(1).get("error_type").textValue());
        assertFalse(lines.get(1).get("recoverable").booleanValue());
        assertEquals("failed", lines.get(2).get("status").textValue());
    }

    @Test
    void completeReportsTheGivenStatusAndCloseAddsNothing() {
        try (TrainingRun run = TrainingEvents.start("run-cancel")) {
            run.complete(RunStatus.CANCELLED);
        }
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "run_complete"), Lines.types(lines));
        assertEquals("cancelled", lines.get(1).get("status").textValue());
    }

    @Test
    void emitErrorWithAThrowableWritesItsClassAndMessage() {
        try (TrainingRun run = TrainingEvents.start("run-errors")) {
            TrainingEvents.emitError(new TrainingDiverged("loss \"exploded\"\nat step 3"), true);
            TrainingEvents.emitError(new IOException(), false);
            TrainingEvents.emitError((Throwable) null, true);
            run.emitter().emitError(new ArithmeticException("/ by zero"), false);
            run.markSucceeded();
        }
        List<JsonNode> errors = lines().stream().filter(l -> l.get("event_type").textValue().equals("error")).toList();
        assertEquals(4, errors.size());
        assertError(errors.get(0), "loss \"exploded\"\nat step 3", TrainingDiverged.class.getName(), true);
        assertError(errors.get(1), "java.io.IOException", "java.io.IOException", false);
        assertError(errors.get(2), "unknown error", "unknown", true);
        assertError(errors.get(3), "/ by zero", "java.lang.ArithmeticException", false);
    }

    private static void assertError(JsonNode line, String message, String type, boolean recoverable) {
        assertEquals(message, line.get("error_message").textValue());
        assertEquals(type, line.get("error_type").textValue());
        assertEquals(recoverable, line.get("recoverable").booleanValue());
    }

    // ---- the per-target loop ----

    @Test
    void forEachTargetReportsEachTargetAndGoesOnAfterAFailure() throws Exception {
        List<String> ran = new ArrayList<>();
        IllegalStateException failure = new IllegalStateException("diverged");
        List<TargetResult> results;
        try (TrainingRun run = TrainingEvents.start("run-loop")) {
            results = TrainingEvents.forEachTarget("training", List.of("ret_5m", "ret_15m", "ret_1h"), target -> {
                ran.add(target);
                switch (target) {
                    case "ret_5m":
                        return TargetResult.success(3, 0.71, Map.of("loss", 0.25));
                    case "ret_15m":
                        throw failure;
                    default:
                        return null;
                }
            });
            run.markSucceeded();
        }
        assertEquals(List.of("ret_5m", "ret_15m", "ret_1h"), ran);
        assertEquals(List.of(TargetResult.success(3, 0.71, Map.of("loss", 0.25)), TargetResult.failed(0),
                new TargetResult(TargetStatus.SUCCESS, 0, Double.NaN, null)), results);

        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start",
                "progress", "target_complete",
                "progress", "error", "target_complete",
                "progress", "target_complete",
                "progress", "run_complete"), Lines.types(lines));
        assertProgress(lines.get(1), 0.0, "ret_5m", 0, 3);
        assertTarget(lines.get(2), "ret_5m", "success", 3, 0.71);
        assertEquals(0.25, lines.get(2).get("metrics").get("loss").doubleValue());
        assertProgress(lines.get(3), 100.0 * 1 / 3, "ret_15m", 1, 3);
        assertError(lines.get(4), "diverged", "java.lang.IllegalStateException", true);
        assertTarget(lines.get(5), "ret_15m", "failed", 0, Double.NaN);
        assertProgress(lines.get(6), 100.0 * 2 / 3, "ret_1h", 2, 3);
        assertTarget(lines.get(7), "ret_1h", "success", 0, Double.NaN);
        assertProgress(lines.get(8), 100.0, null, 3, 3);
        assertEquals(0.0, lines.get(8).get("eta_seconds").doubleValue(), "the ETA at 100% is 0");
        assertEquals("success", lines.get(9).get("status").textValue());
    }

    @Test
    void forEachTargetWithStopRethrowsAfterReportingTheFailedTarget() {
        List<String> ran = new ArrayList<>();
        IOException failure = new IOException("feature store unreachable");
        try (TrainingRun run = TrainingEvents.start("run-stop")) {
            IOException caught = assertThrows(IOException.class, () -> TrainingEvents.forEachTarget("training",
                    List.of("a", "b", "c"), OnTargetFailure.STOP, target -> {
                        ran.add(target);
                        if (target.equals("b")) {
                            throw failure;
                        }
                        return TargetResult.skipped();
                    }));
            assertSame(failure, caught);
            run.fail(caught);
        }
        assertEquals(List.of("a", "b"), ran, "no target runs after the failure");
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "progress", "target_complete", "progress", "error", "target_complete",
                "error", "run_complete"), Lines.types(lines), "no progress at 100% after a stop");
        assertTarget(lines.get(2), "a", "skipped", 0, Double.NaN);
        assertError(lines.get(4), "feature store unreachable", "java.io.IOException", false);
        assertTarget(lines.get(5), "b", "failed", 0, Double.NaN);
        assertEquals("failed", lines.get(7).get("status").textValue());
    }

    @Test
    void forEachTargetStopsAtAnErrorEvenWhenToldToContinue() {
        FatalTrainerError fatal = new FatalTrainerError("segfault");
        try (TrainingRun run = TrainingEvents.start("run-fatal")) {
            FatalTrainerError caught = assertThrows(FatalTrainerError.class, () -> TrainingEvents.forEachTarget(
                    "training", List.of("a", "b"), target -> {
                        throw fatal;
                    }));
            assertSame(fatal, caught);
        }
        List<JsonNode> lines = lines();
        assertEquals(List.of("run_start", "progress", "error", "target_complete", "error", "run_complete"),
                Lines.types(lines), "the block ended without markSucceeded: failed");
        assertFalse(lines.get(2).get("recoverable").booleanValue(), "an Error is not recoverable");
        assertEquals(TrainingRun.ENDED_WITHOUT_SUCCESS, lines.get(4).get("error_type").textValue());
        assertEquals("failed", lines.get(5).get("status").textValue());
    }

    @Test
    void forEachTargetBeforeInitRunsTheTasksAndWritesNothing() throws Exception {
        List<TargetResult> results = TrainingEvents.forEachTarget("training", List.of("a", "b"),
                target -> TargetResult.success(1, 0.5));
        assertEquals(2, results.size());
        assertTrue(results.stream().allMatch(r -> r.status() == TargetStatus.SUCCESS));
        assertFalse(file.toFile().exists(), "no emitter, no file");
    }

    private static void assertProgress(JsonNode line, double pct, String target, int complete, int total) {
        assertEquals("training", line.get("stage").textValue());
        assertEquals(pct, line.get("progress_pct").doubleValue(), "progress_pct of " + line);
        if (target == null) {
            assertTrue(line.get("current_target").isNull());
        } else {
            assertEquals(target, line.get("current_target").textValue());
        }
        assertEquals(complete, line.get("targets_complete").intValue());
        assertEquals(total, line.get("targets_total").intValue());
    }

    private static void assertTarget(JsonNode line, String target, String status, int models, double auc) {
        assertEquals(target, line.get("target").textValue());
        assertEquals(status, line.get("status").textValue());
        assertEquals(models, line.get("models_trained").intValue());
        if (Double.isNaN(auc)) {
            assertTrue(line.get("best_auc").isNull());
        } else {
            assertEquals(auc, line.get("best_auc").doubleValue());
        }
    }
}
