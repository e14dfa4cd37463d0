package dev.foxml.training.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run scopes' own logic, on a recording emitter: {@link TrainingRun} is commit-style
 * (success only after {@link TrainingRun#markSucceeded()}), {@link TrainingEvents#run} reports
 * what its body did, and a run reports one run_complete whoever sends it.
 */
class TrainingRunTest {

    private static final String NO_SUCCESS = "error " + TrainingRun.ENDED_WITHOUT_SUCCESS + " fatal: the run ended"
            + " without success: its TrainingRun was closed before markSucceeded() was called (an exception or"
            + " an early return left the block)";

    private final RecordingEmitter emitter = new RecordingEmitter("trial-1");

    @AfterEach
    void nothingCurrent() {
        TrainingEvents.install(null);
    }

    @Test
    void aBlockThatThrowsIsReportedFailedNotSuccess() {
        assertThrows(IllegalStateException.class, () -> {
            try (TrainingRun run = TrainingEvents.start(emitter)) {
                emitter.emitStageChange("training");
                throw new IllegalStateException("diverged");
            }
        });
        assertEquals(List.of("stage_change null -> training", NO_SUCCESS, "run_complete FAILED"), emitter.events());
        assertTrue(emitter.isClosed(), "closing the run closes its emitter");
        assertEquals(1, emitter.flushes(), "and flushes it first");
    }

    @Test
    void aBlockThatReturnsEarlyWithoutMarkingSuccessIsReportedFailed() {
        runUntilEarlyReturn(true);
        assertEquals(List.of(NO_SUCCESS, "run_complete FAILED"), emitter.events());
    }

    private void runUntilEarlyReturn(boolean returnEarly) {
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            if (returnEarly) {
                return;
            }
            run.markSucceeded();
        }
    }

    @Test
    void markSucceededIsReportedAtCloseAfterTheBlocksLastEvents() {
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            run.markSucceeded();
            assertTrue(run.isMarkedSucceeded());
            assertEquals(List.of(), emitter.events(), "nothing written before close");
            emitter.emitProgress("saving", 100.0);
        }
        assertEquals(List.of("progress saving 100.0", "run_complete SUCCESS"), emitter.events());
    }

    @Test
    void failReportsTheExceptionAndFailedOnceAndCloseAddsNothing() {
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            run.fail(new IOException("disk gone"));
            run.fail(new IOException("again"));
            run.complete(RunStatus.SUCCESS);
            run.markSucceeded();
        }
        assertEquals(List.of("error java.io.IOException fatal: disk gone", "run_complete FAILED"), emitter.events());
    }

    @Test
    void completeReportsTheGivenStatusAndCloseAddsNothing() {
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            run.complete(RunStatus.CANCELLED);
        }
        assertEquals(List.of("run_complete CANCELLED"), emitter.events());
    }

    @Test
    void aRunCompleteTheBlockSentItselfIsTheOnlyOne() {
        // A trainer that reports its own status inside the scope: the scope neither contradicts it
        // with success nor adds an error after it.
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            TrainingEvents.install(emitter);
            TrainingEvents.emitRunComplete(RunStatus.FAILED);
            run.markSucceeded();
        }
        assertEquals(List.of("run_complete FAILED"), emitter.events());
    }

    @Test
    void closeIsIdempotent() {
        TrainingRun run = TrainingEvents.start(emitter);
        run.markSucceeded();
        run.close();
        run.close();
        assertEquals(List.of("run_complete SUCCESS"), emitter.events());
    }

    @Test
    void closingTheRunOfTheCurrentEmitterMakesNoneCurrent() {
        TrainingEvents.install(emitter);
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            assertSame(emitter, TrainingEvents.current());
            run.markSucceeded();
        }
        assertFalse(TrainingEvents.isInitialized());
    }

    @Test
    void closingTheRunOfAnotherEmitterLeavesTheCurrentOneCurrent() {
        RecordingEmitter current = new RecordingEmitter("main");
        TrainingEvents.install(current);
        try (TrainingRun run = TrainingEvents.start(emitter)) {
            run.markSucceeded();
        }
        assertSame(current, TrainingEvents.current());
        assertFalse(current.isClosed());
    }

    @Test
    void runReportsSuccessWhenTheBodyReturns() {
        TrainingEvents.run(emitter, () -> emitter.emitStageChange("training"));
        assertEquals(List.of("stage_change null -> training", "run_complete SUCCESS"), emitter.events());
        assertTrue(emitter.isClosed());
    }

    @Test
    void runReportsTheBodysExceptionThenFailedAndRethrowsIt() {
        IOException thrown = new IOException("feature store unreachable");
        IOException caught = assertThrows(IOException.class, () -> TrainingEvents.run(emitter, () -> {
            throw thrown;
        }));
        assertSame(thrown, caught);
        assertEquals(List.of("error java.io.IOException fatal: feature store unreachable", "run_complete FAILED"),
                emitter.events());
        assertTrue(emitter.isClosed());
    }

    @Test
    void runReportsAnErrorFromTheBodyAndRethrowsIt() {
        StackOverflowError thrown = new StackOverflowError();
        assertSame(thrown, assertThrows(StackOverflowError.class, () -> TrainingEvents.run(emitter, () -> {
            throw thrown;
        })));
        assertEquals(List.of("error java.lang.StackOverflowError fatal: java.lang.StackOverflowError",
                "run_complete FAILED"), emitter.events());
    }

    @Test
    void runWhoseBodyReportedItsOwnStatusAddsNone() {
        TrainingEvents.run(emitter, () -> emitter.emitRunComplete(RunStatus.CANCELLED));
        assertEquals(List.of("run_complete CANCELLED"), emitter.events());
    }

    @Test
    void aBodyThatThrowsNothingCheckedNeedsNoThrowsClause() {
        // RunWithoutThrows.main declares no exception: that it compiled is the proof; running it
        // shows the run reported.
        RunWithoutThrows.main(new String[0]);
        assertEquals(List.of("stage_change null -> training", "run_complete SUCCESS"), RunWithoutThrows.EMITTER.events());
    }
}
