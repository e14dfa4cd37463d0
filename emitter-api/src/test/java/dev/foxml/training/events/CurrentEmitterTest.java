package dev.foxml.training.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The current emitter of the static facade: {@link TrainingEvents#install} makes an emitter made
 * in code current, closing the current emitter makes none current, and helpers called while none
 * is current warn once instead of doing nothing silently.
 */
class CurrentEmitterTest {

    @BeforeEach
    @AfterEach
    void nothingCurrent() {
        // An emitter current for a moment starts a new period without one: its first discarded
        // event is warned about again, whatever the test before did.
        TrainingEvents.install(new RecordingEmitter("between tests"));
        TrainingEvents.install(null);
    }

    @Test
    void installMakesAnEmitterCurrentAndReturnsThePreviousOneUnclosed() {
        RecordingEmitter first = new RecordingEmitter("first");
        RecordingEmitter second = new RecordingEmitter("second");
        assertNull(TrainingEvents.install(first), "nothing was current");
        assertSame(first, TrainingEvents.install(second));
        assertFalse(first.isClosed(), "install does not close the previous emitter");
        assertSame(second, TrainingEvents.current());
        assertTrue(TrainingEvents.isInitialized());

        TrainingEvents.emitStageChange("training");
        TrainingEvents.emitProgress("training", 10.0);
        TrainingEvents.emitProgress("training", 20.0, "ret_5m", 0, 2);
        TrainingEvents.emitProgress("training", 30.0, "ret_5m", 0, 2, Map.of("loss", 0.5));
        TrainingEvents.emitProgress("training", 40.0, "ret_5m", 0, 2, 3, 120, 950.0, null);
        TrainingEvents.emitTargetComplete("ret_5m", TargetStatus.SUCCESS);
        TrainingEvents.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 2, 0.75);
        TrainingEvents.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 2, 0.75, Map.of("auc", 0.75));
        TrainingEvents.emitError("slow disk", "io", true);
        TrainingEvents.emitError(new IllegalStateException("late"), true);
        TrainingEvents.emitStageChange("training", "done");
        TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
        assertEquals(List.of(
                "stage_change null -> training",
                "progress training 10.0",
                "progress training 20.0 ret_5m 0/2",
                "progress training 30.0 ret_5m 0/2 {loss=0.5}",
                "progress training 40.0 ret_5m 0/2 epoch=3 step=120 throughput=950.0 null",
                "target_complete ret_5m SUCCESS 0 NaN",
                "target_complete ret_5m SUCCESS 2 0.75",
                "target_complete ret_5m SUCCESS 2 0.75 {auc=0.75}",
                "error io recoverable: slow disk",
                "error java.lang.IllegalStateException recoverable: late",
                "stage_change training -> done",
                "run_complete SUCCESS"), second.events());
        assertEquals(List.of(), first.events());
    }

    @Test
    void installingNullMakesNoneCurrent() {
        RecordingEmitter emitter = new RecordingEmitter("r");
        TrainingEvents.install(emitter);
        assertSame(emitter, TrainingEvents.install(null));
        assertFalse(TrainingEvents.isInitialized());
    }

    @Test
    void closingTheCurrentEmitterMakesNoneCurrent() {
        RecordingEmitter emitter = new RecordingEmitter("r");
        TrainingEvents.install(emitter);
        try (TrainingEventEmitter e = TrainingEvents.current()) {
            TrainingEvents.emitProgress("training", 50.0);
        }
        assertFalse(TrainingEvents.isInitialized(), "a closed emitter is not current");
        assertSame(NothingCurrentEmitter.INSTANCE, TrainingEvents.current());
        try (StandardErr err = new StandardErr()) {
            TrainingEvents.emitProgress("training", 60.0);
            assertEquals(1, err.warnings().size(), "the discarded event is warned about: " + err.warnings());
        }
        assertEquals(List.of("progress training 50.0"), emitter.events(), "nothing reaches the closed emitter");
    }

    @Test
    void aClosedEmitterStopsBeingCurrentOnlyIfItStillIs() {
        RecordingEmitter closed = new RecordingEmitter("old");
        RecordingEmitter next = new RecordingEmitter("new");
        TrainingEvents.install(closed);
        closed.close();
        TrainingEvents.install(next);
        assertSame(next, TrainingEvents.current(), "the emitter installed after the close stays current");
    }

    @Test
    void helpersCalledWhileNoneIsCurrentWarnOnceAndAgainAfterTheNextEmitterIsGone() throws Exception {
        try (StandardErr err = new StandardErr()) {
            TrainingEvents.emitProgress("stage-of-secret-project", 1.0);
            TrainingEvents.emitStageChange("training");
            TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
            List<TargetResult> results = TrainingEvents.forEachTarget("training", List.of("a", "b"),
                    target -> TargetResult.success(1, 0.5));
            assertEquals(2, results.size(), "the tasks still run");
            TrainingEvents.current().emitError("x", "y", false);
            List<String> warnings = err.warnings();
            assertEquals(1, warnings.size(), "one warning for the whole period: " + warnings);
            assertTrue(warnings.get(0).contains("no training event emitter is current"), warnings.get(0));
            assertTrue(warnings.get(0).contains("TrainingEvents.init(runId) or TrainingEvents.install(emitter)"),
                    "the warning says what to do: " + warnings.get(0));
            assertTrue(warnings.get(0).contains("a progress event"), "it names the event type: " + warnings.get(0));
            assertFalse(warnings.get(0).contains("secret"), "no event content in warnings: " + warnings.get(0));

            RecordingEmitter emitter = new RecordingEmitter("r");
            TrainingEvents.install(emitter);
            TrainingEvents.emitProgress("training", 2.0);
            assertEquals(1, err.warnings().size(), "nothing to warn about while an emitter is current");
            TrainingEvents.shutdown();
            assertTrue(emitter.isClosed());
            TrainingEvents.emitProgress("training", 3.0);
            TrainingEvents.emitProgress("training", 4.0);
            assertEquals(2, err.warnings().size(), "one more warning for the next period: " + err.warnings());
        }
    }

    @Test
    void concurrentHelpersWhileNoneIsCurrentWarnOnce() throws Exception {
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        try (StandardErr err = new StandardErr()) {
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < 1000; i++) {
                            TrainingEvents.emitProgress("training", i / 10.0);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                });
                thread.start();
            }
            go.countDown();
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertEquals(1, err.warnings().size(), err.warnings().toString());
        }
    }

    @Test
    void concurrentInstallsAndClosesNeverLeaveAClosedEmitterCurrent() throws Exception {
        // A thread closing its emitter while another installs the next: whatever the order,
        // current() never returns a closed emitter, and the last installed open one stays current.
        for (int round = 0; round < 200; round++) {
            RecordingEmitter old = new RecordingEmitter("old");
            RecordingEmitter next = new RecordingEmitter("next");
            TrainingEvents.install(old);
            CountDownLatch go = new CountDownLatch(1);
            Thread closer = new Thread(() -> {
                awaitQuietly(go);
                old.close();
                TrainingEvents.isInitialized();
            });
            Thread installer = new Thread(() -> {
                awaitQuietly(go);
                TrainingEvents.install(next);
            });
            closer.start();
            installer.start();
            go.countDown();
            closer.join(60_000);
            installer.join(60_000);
            assertSame(next, TrainingEvents.current(), "round " + round);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
