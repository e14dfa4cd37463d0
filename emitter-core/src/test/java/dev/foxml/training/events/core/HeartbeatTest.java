package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code heartbeat} event: off by default; when on, sent after the interval passes with
 * nothing emitted, repeating the stage, progress and target of the last {@code progress} or
 * {@code stage_change} (the Python bridge shows the latest event's stage and percentage, so a
 * heartbeat must not blank them).
 */
class HeartbeatTest {

    @TempDir
    Path dir;

    private static final long START = Instant.parse("2026-01-21T12:00:00Z").toEpochMilli() * 1000;

    private final BatchBuffer out = new BatchBuffer(4096);
    private final EventEncoder encoder = new EventEncoder("run-hb", null, new RunInfo(START, Map.of()), 4096, out);
    private long seq;

    private JsonNode encode(EventType type, String s1, String s2, double d1, int i1, int i2) {
        seq++;
        EventSlot slot = Lines.slot(type, s1, s2, d1, i1, i2, START + seq * 1_000_000L, seq);
        return Lines.encode(encoder, out, slot);
    }

    private JsonNode heartbeat() {
        JsonNode line = encode(EventType.HEARTBEAT, null, null, 0, 0, 0);
        assertEquals("heartbeat", line.get("event_type").textValue());
        return line;
    }

    private static void assertState(JsonNode heartbeat, String stage, Double pct, String target, int complete,
                                    int total) {
        if (stage == null) {
            assertTrue(heartbeat.get("stage").isNull(), heartbeat::toString);
        } else {
            assertEquals(stage, heartbeat.get("stage").textValue(), heartbeat::toString);
        }
        if (pct == null) {
            assertTrue(heartbeat.get("progress_pct").isNull(), heartbeat::toString);
        } else {
            assertEquals(pct, heartbeat.get("progress_pct").doubleValue(), 0.0, heartbeat::toString);
        }
        if (target == null) {
            assertTrue(heartbeat.get("current_target").isNull(), heartbeat::toString);
        } else {
            assertEquals(target, heartbeat.get("current_target").textValue(), heartbeat::toString);
        }
        assertEquals(complete, heartbeat.get("targets_complete").intValue(), heartbeat::toString);
        assertEquals(total, heartbeat.get("targets_total").intValue(), heartbeat::toString);
    }

    @Test
    void aHeartbeatRepeatsTheLastProgressOrStageChange() {
        assertState(heartbeat(), null, null, null, 0, 0);

        encode(EventType.STAGE_CHANGE, null, "training", 0, 0, 0);
        assertState(heartbeat(), "training", 0.0, null, 0, 0);

        encode(EventType.PROGRESS, "training", "ret_5m", 40.0, 2, 5);
        assertState(heartbeat(), "training", 40.0, "ret_5m", 2, 5);

        encode(EventType.TARGET_COMPLETE, "ret_5m", "success", 0.7, 3, 0);
        encode(EventType.ERROR, "boom", "RuntimeError", 0, 0, 0);
        assertState(heartbeat(), "training", 40.0, "ret_5m", 2, 5);
        assertState(heartbeat(), "training", 40.0, "ret_5m", 2, 5);

        encode(EventType.STAGE_CHANGE, "training", "eval", 0, 0, 0);
        assertState(heartbeat(), "eval", 0.0, null, 0, 0);
    }

    @Test
    void aHeartbeatRepeatsProgressAsItWasWritten() {
        encode(EventType.PROGRESS, null, null, Double.NaN, 7, 5);
        assertState(heartbeat(), "unknown", null, null, 5, 5);
        encode(EventType.PROGRESS, "training", "t", 250.0, -3, -1);
        assertState(heartbeat(), "training", 100.0, "t", 0, 0);
    }

    @Test
    void aHeartbeatHasNoEtaAndNoMetrics() {
        encode(EventType.PROGRESS, "training", "t", 50.0, 1, 2);
        JsonNode line = heartbeat();
        assertEquals(List.of("event_type", "stage", "progress_pct", "current_target", "targets_complete",
                "targets_total", "run_id", "timestamp", "seq", "emitter_id", "elapsed_seconds"), Lines.keys(line));
    }

    @Test
    void afterAnIntervalOfSilenceTheEmitterSendsAHeartbeatAndNotWhileEventsFlow() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-hb", dir, file).synchronous(false)
                .worker("rank-1").heartbeat(Duration.ofSeconds(1)).build()) {
            // Events every 100 ms for 1.3 s: never a second of silence, so no heartbeat.
            long flowUntil = System.nanoTime() + Duration.ofMillis(1300).toNanos();
            int i = 0;
            while (System.nanoTime() < flowUntil) {
                e.emitProgress("warmup", i % 100, "w", 0, 0);
                i++;
                Thread.sleep(100);
            }
            e.emitProgress("training", 40.0, "ret_5m", 2, 5);
            assertTrue(e.flush());
            List<JsonNode> beforeSilence = WireValidator.validateAll(file);
            assertFalse(Lines.types(beforeSilence).contains("heartbeat"), "no heartbeat while events flow");
            JsonNode progress = beforeSilence.get(beforeSilence.size() - 1);

            assertTrue(LineServer.poll(() -> Lines.types(WireValidator.validateAll(file)).contains("heartbeat"),
                    5, SECONDS), "a heartbeat after a second of silence");
            List<JsonNode> lines = WireValidator.validateAll(file);
            JsonNode heartbeat = lines.get(beforeSilence.size());
            assertEquals("heartbeat", heartbeat.get("event_type").textValue());
            assertState(heartbeat, "training", 40.0, "ret_5m", 2, 5);
            assertEquals(progress.get("seq").longValue() + 1, heartbeat.get("seq").longValue());
            assertEquals("rank-1", heartbeat.get("worker").textValue());
            long quietMicros = Lines.micros(Lines.time(progress, "timestamp"), Lines.time(heartbeat, "timestamp"));
            assertTrue(quietMicros >= 1_000_000, "sent after a full interval of silence, not " + quietMicros + " us");
            assertTrue(Lines.elapsed(heartbeat) > Lines.elapsed(progress));
        }
        List<JsonNode> lines = WireValidator.validateAll(file);
        assertEquals("run_complete", lines.get(lines.size() - 1).get("event_type").textValue(),
                "close() ends the run; the heartbeat thread stops");
    }

    @Test
    void noHeartbeatFollowsRunComplete() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-hb", dir, file).synchronous(false)
                .heartbeat(Duration.ofSeconds(1)).build()) {
            e.emitProgress("training", 100.0, null, 3, 3);
            e.emitRunComplete(dev.foxml.training.events.RunStatus.SUCCESS);
            assertTrue(e.flush());
            // Proving an absence takes the interval: a heartbeat would come 1 s after run_complete.
            assertFalse(LineServer.poll(() -> Lines.types(WireValidator.validateAll(file)).contains("heartbeat"),
                    1500, java.util.concurrent.TimeUnit.MILLISECONDS),
                    "a heartbeat after run_complete would show the finished run as running again");
        }
        assertEquals(List.of("run_start", "progress", "run_complete"), Lines.types(WireValidator.validateAll(file)));
    }

    @Test
    void heartbeatIsOffByDefault() {
        EmitterConfig config = Lines.hermetic("run-hb", dir, dir.resolve("x.jsonl")).config();
        assertNull(config.heartbeatInterval());
    }

    @Test
    void theHeartbeatIntervalComesFromTheEnvironmentInSeconds() {
        EmitterConfig config = Lines.hermetic("run-hb", dir, dir.resolve("x.jsonl"))
                .environment(n -> n.equals(TrainingEventEmitterBuilder.HEARTBEAT_ENV) ? "2.5" : null)
                .config();
        assertEquals(Duration.ofMillis(2500), config.heartbeatInterval());
    }

    @Test
    void aHeartbeatIntervalBelowOneSecondOrNotANumberFailsAtBuild() {
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-hb", dir, dir.resolve("x.jsonl")).heartbeat(Duration.ofMillis(500)).build());
        assertTrue(tooShort.getMessage().contains("at least 1 second"), tooShort.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-hb", dir, dir.resolve("x.jsonl"))
                        .environment(n -> n.equals(TrainingEventEmitterBuilder.HEARTBEAT_ENV) ? "soon" : null).build());
        assertTrue(notANumber.getMessage().contains(TrainingEventEmitterBuilder.HEARTBEAT_ENV), notANumber.getMessage());
    }
}
