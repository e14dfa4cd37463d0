package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code elapsed_seconds} (every line but run_complete), {@code duration_seconds} (run_complete)
 * and {@code eta_seconds} (progress). The arithmetic is checked on the encoder itself with chosen
 * timestamps, so it is exact and needs no waiting; the real emitter is checked for what a clock
 * cannot make exact.
 */
class ElapsedAndEtaTest {

    /** The emitter started at 2026-01-21T12:00:00Z. */
    private static final long START = Instant.parse("2026-01-21T12:00:00Z").toEpochMilli() * 1000;
    private static final long SECOND = 1_000_000L;

    private final BatchBuffer out = new BatchBuffer(4096);
    private final EventEncoder encoder = new EventEncoder("run-eta", null, new RunInfo(START, Map.of()), 4096, out);
    private long seq;

    private JsonNode at(long micros, EventType type, String s1, String s2, double d1, int i1, int i2) {
        EventSlot slot = Lines.slot(type, s1, s2, d1, i1, i2, START + micros, ++seq);
        JsonNode line = Lines.encode(encoder, out, slot);
        assertEquals(seq, line.get("seq").longValue());
        return line;
    }

    private JsonNode progress(long micros, String stage, double pct) {
        return at(micros, EventType.PROGRESS, stage, null, pct, 0, 0);
    }

    private JsonNode stageChange(long micros, String previous, String next) {
        return at(micros, EventType.STAGE_CHANGE, previous, next, 0.0, 0, 0);
    }

    private static void assertEta(Double expected, JsonNode line) {
        JsonNode eta = line.get("eta_seconds");
        if (expected == null) {
            assertTrue(eta.isNull(), () -> "expected no ETA yet, got " + eta + " in " + line);
        } else {
            assertTrue(eta.isNumber(), () -> "expected an ETA of " + expected + " in " + line);
            assertEquals(expected, eta.doubleValue(), 0.0, () -> "eta_seconds of " + line);
        }
    }

    @Test
    void elapsedSecondsIsTheTimeSinceTheEmitterStartedToTheMicrosecond() {
        assertEquals(0.0, stageChange(0, null, "training").get("elapsed_seconds").doubleValue());
        assertEquals(12.345678, stageChange(12_345_678, "training", "eval").get("elapsed_seconds").doubleValue());
        assertEquals(3600.000001, at(3600 * SECOND + 1, EventType.ERROR, "m", "t", 0, 0, 0)
                .get("elapsed_seconds").doubleValue());
        assertEquals(0.0, stageChange(-5 * SECOND, "eval", "x").get("elapsed_seconds").doubleValue(),
                "a clock that stepped back before the start is written as 0, never negative");
        JsonNode heartbeat = at(7 * SECOND, EventType.HEARTBEAT, null, null, 0, 0, 0);
        assertEquals(7.0, heartbeat.get("elapsed_seconds").doubleValue());
        JsonNode target = at(8 * SECOND, EventType.TARGET_COMPLETE, "t", "success", 0.5, 1, 0);
        assertEquals(8.0, target.get("elapsed_seconds").doubleValue());
    }

    @Test
    void runCompleteCarriesDurationSecondsInsteadOfElapsedSeconds() {
        JsonNode done = at(20 * SECOND + 500_000, EventType.RUN_COMPLETE, "success", null, 0, 0, 0);
        assertEquals(20.5, done.get("duration_seconds").doubleValue());
        assertFalse(done.has("elapsed_seconds"));
        assertFalse(done.has("eta_seconds"));
    }

    @Test
    void etaIsTheRestOfTheStageAtItsRateSoFarOnceItHasASecondOfProgress() {
        stageChange(0, null, "training");
        assertEta(null, progress(0, "training", 0.0));
        assertEta(null, progress(SECOND / 2, "training", 10.0)); // less than a second of the stage
        assertEta(6.0, progress(2 * SECOND, "training", 25.0)); // 25 % in 2 s: 75 % take 6 s
        assertEta(4.0, progress(4 * SECOND, "training", 50.0));
        assertEta(0.0, progress(5 * SECOND, "training", 100.0));
    }

    @Test
    void etaIsRoundedToTheMillisecond() {
        stageChange(0, null, "training");
        assertEta(0.333, progress(SECOND, "training", 75.0)); // 1 s * 25 / 75
        assertEta(1.857, progress(3 * SECOND + 250_000, "training", 63.636363)); // 3.25 s * (36.36.. / 63.63..)
    }

    @Test
    void etaIsNullWithoutProgressOrAPercentage() {
        stageChange(0, null, "training");
        assertEta(null, progress(3 * SECOND, "training", 0.0)); // three seconds, no progress
        assertEta(null, progress(4 * SECOND, "training", Double.NaN));
        assertTrue(progress(5 * SECOND, "training", Double.NaN).get("progress_pct").isNull());
        assertEta(0.0, progress(6 * SECOND, "training", 250.0)); // clamped to 100 %
    }

    @Test
    void etaIsNeverNegativeWhenProgressGoesBack() {
        stageChange(0, null, "training");
        assertEta(2.0, progress(2 * SECOND, "training", 50.0));
        assertEta(null, progress(3 * SECOND, "training", -10.0)); // clamped to 0: behind the stage's start
    }

    @Test
    void eachStageHasItsOwnEtaFromItsFirstEvent() {
        stageChange(0, null, "ranking");
        assertEta(1.0, progress(SECOND, "ranking", 50.0));
        // A new stage without a stage_change: its rate is measured from its first progress.
        assertEta(null, progress(10 * SECOND, "training", 40.0));
        assertEta(null, progress(10 * SECOND + 900_000, "training", 50.0));
        assertEta(3.0, progress(13 * SECOND, "training", 70.0)); // 30 % in 3 s since 40 %: 30 % left
        // A stage_change restarts the measurement at 0 %.
        stageChange(20 * SECOND, "training", "eval");
        assertEta(8.0, progress(22 * SECOND, "eval", 20.0));
        // A progress of an earlier stage's name starts that stage over.
        assertEta(null, progress(23 * SECOND, "training", 80.0));
    }

    @Test
    void theRealEmittersTimesGrowWithTheClockAndEndInADuration(@TempDir Path dir) {
        Path file = dir.resolve("events.jsonl");
        long builtAt = System.nanoTime();
        long closedAt;
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-clock", dir, file).synchronous(false).build()) {
            e.emitStageChange(null, "training");
            for (int i = 0; i <= 100; i += 10) {
                e.emitProgress("training", i, "ret_5m", i / 10, 10);
            }
            e.emitRunComplete(RunStatus.SUCCESS);
            assertTrue(e.flush());
            closedAt = System.nanoTime();
        }
        double wall = (closedAt - builtAt) / 1e9;
        List<JsonNode> lines = WireValidator.validateAll(file);
        assertEquals(1 + 1 + 11 + 1, lines.size());
        double previous = 0.0;
        for (JsonNode line : lines) {
            double elapsed = Lines.elapsed(line);
            assertTrue(elapsed >= previous, "elapsed never goes back: " + line);
            // A little slack: the wall clock the emitter reads is not System.nanoTime().
            assertTrue(elapsed <= wall + 0.05, "elapsed " + elapsed + " is within the emitter's life " + wall);
            previous = elapsed;
        }
        JsonNode last = lines.get(lines.size() - 1);
        assertEquals("run_complete", last.get("event_type").textValue());
        assertTrue(last.has("duration_seconds"));
        assertEta(0.0, lines.get(lines.size() - 2));
    }
}
