package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One {@code run_complete} per emitter, whoever sends it: the first wins, a later one is not
 * written, counted as {@code droppedExtraRunComplete} and warned about once; events of other types
 * after it are still written. In both delivery modes, and with run_completes racing.
 */
class OneRunCompleteTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "synchronous={0}")
    @ValueSource(booleans = {false, true})
    void theFirstRunCompleteWinsAndLaterOnesAreCountedAndWarnedOnce(boolean synchronous) {
        Path file = dir.resolve("events.jsonl");
        EmitterStats stats;
        String warnings;
        try (StderrCapture err = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = Lines.hermetic("run-once", dir, file).synchronous(synchronous).build()) {
                assertFalse(e.isRunComplete());
                e.emitRunComplete(RunStatus.FAILED);
                assertTrue(e.isRunComplete());
                e.emitError("found while saving the model", "io", true);
                e.emitRunComplete(RunStatus.SUCCESS);
                e.emitRunComplete(null);
                e.emitProgress("saving", 100.0);
                assertTrue(e.flush());
                stats = e.stats();
            }
            warnings = err.text();
        }
        List<JsonNode> lines = WireValidator.validateAll(file);
        System.out.println("synchronous=" + synchronous + ": " + Lines.types(lines) + " " + stats);
        assertEquals(List.of("run_start", "run_complete", "error", "progress"), Lines.types(lines),
                "one run_complete, the first; other events after it are still written; no cancelled at close");
        assertEquals("failed", lines.get(1).get("status").textValue());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i + 1, lines.get(i).get("seq").longValue(), "no seq is used by a dropped run_complete");
        }
        assertEquals(2, stats.droppedExtraRunComplete());
        assertEquals(4, stats.emitted(), "a dropped run_complete is not counted as emitted");
        assertEquals(2, stats.dropped());
        assertEquals(1, count(warnings, "a run_complete was emitted after the run had completed"),
                "warned once: " + warnings);
        assertEquals(0, count(warnings, "found while saving"), "no event content in the warning");
    }

    @ParameterizedTest(name = "synchronous={0}")
    @ValueSource(booleans = {false, true})
    void racingRunCompletesWriteExactlyOne(boolean synchronous) throws Exception {
        int threads = 8;
        for (int round = 0; round < 10; round++) {
            Path file = dir.resolve("race-" + synchronous + "-" + round + ".jsonl");
            EmitterStats stats;
            try (DefaultTrainingEventEmitter e = Lines.hermetic("run-race", dir, file).synchronous(synchronous).build()) {
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> started = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    RunStatus status = t % 2 == 0 ? RunStatus.SUCCESS : RunStatus.FAILED;
                    Thread thread = new Thread(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                        }
                        e.emitRunComplete(status);
                    });
                    thread.start();
                    started.add(thread);
                }
                go.countDown();
                for (Thread thread : started) {
                    thread.join(TimeUnit.SECONDS.toMillis(60));
                }
                e.flush();
                stats = e.stats();
            }
            List<JsonNode> lines = WireValidator.validateAll(file);
            assertEquals(List.of("run_start", "run_complete"), Lines.types(lines), "round " + round);
            assertEquals(threads - 1, stats.droppedExtraRunComplete(), "round " + round);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
