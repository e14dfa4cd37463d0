package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.TrainingEventEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trainer's vocabulary on the wire: {@code epoch}, {@code step} and {@code throughput} on every
 * progress line (null when not given, by the older overloads too), the throughput the emitter
 * computes from an item count, a stage change that remembers the stage left, and metrics in the
 * caller's order.
 */
class TrainingLoopTest {

    private static final long START = Instant.parse("2026-01-21T12:00:00Z").toEpochMilli() * 1000;
    private static final long SECOND = 1_000_000L;
    private static final long UNKNOWN = TrainingEventEmitter.UNKNOWN;

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("events.jsonl");
    }

    private DefaultTrainingEventEmitter emitter() {
        return Lines.hermetic("run-loop", dir, file()).runStartEvent(false).build();
    }

    private List<JsonNode> lines() {
        return WireValidator.validateAll(file());
    }

    private static void assertLoop(JsonNode line, Long epoch, Long step, Double throughput) {
        assertEquals(List.of("metrics", "epoch", "step", "throughput"),
                Lines.keys(line).subList(Lines.keys(line).size() - 4, Lines.keys(line).size()),
                "the loop's keys after metrics, always present: " + line);
        assertNullOr(epoch, line.get("epoch"), "epoch", line);
        assertNullOr(step, line.get("step"), "step", line);
        if (throughput == null) {
            assertTrue(line.get("throughput").isNull(), "throughput null in " + line);
        } else {
            assertEquals(throughput, line.get("throughput").doubleValue(), 0.0, "throughput of " + line);
        }
    }

    private static void assertNullOr(Long expected, JsonNode value, String name, JsonNode line) {
        if (expected == null) {
            assertTrue(value.isNull(), name + " null in " + line);
        } else {
            assertTrue(value.isIntegralNumber(), name + " an integer in " + line);
            assertEquals((long) expected, value.longValue(), name + " of " + line);
        }
    }

    @Test
    void progressCarriesEpochStepAndThroughputAfterItsMetrics() {
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("loss", 0.25);
        metrics.put("val_auc", 0.883);
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 40.0, null, 0, 0, 3, 1200, 2048.5, metrics);
            e.emitProgress("training", 41.0, "ret_5m", 1, 2, 0, 0, 0.0, null);
            e.emitProgress("training", 42.0, null, 0, 0, Long.MAX_VALUE, 9_000_000_000L, 1e12, Map.of());
            assertEquals(0, e.stats().invalidArguments());
        }
        List<JsonNode> lines = lines();
        assertLoop(lines.get(0), 3L, 1200L, 2048.5);
        assertEquals(List.of("loss", "val_auc"), Lines.keys(lines.get(0).get("metrics")));
        assertLoop(lines.get(1), 0L, 0L, 0.0);
        assertEquals("ret_5m", lines.get(1).get("current_target").textValue());
        assertLoop(lines.get(2), Long.MAX_VALUE, 9_000_000_000L, 1e12);
        assertTrue(lines.get(2).get("metrics").isNull(), "an empty map is no metrics");
    }

    @Test
    void theOlderProgressOverloadsWriteTheLoopsKeysAsNull() {
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 10.0);
            e.emitProgress("training", 20.0, "t", 1, 2);
            e.emitProgress("training", 30.0, "t", 1, 2, Map.of("loss", 1.0));
            e.emitProgress("training", 40.0, "t", 1, 2, UNKNOWN, UNKNOWN, Double.NaN, null);
            assertEquals(0, e.stats().invalidArguments(), "UNKNOWN and NaN are the normal 'none'");
        }
        List<JsonNode> lines = lines();
        assertEquals(5, lines.size(), "four progress lines and the cancelled run_complete");
        for (JsonNode line : lines.subList(0, 4)) {
            assertLoop(line, null, null, null);
        }
    }

    @Test
    void invalidEpochStepAndThroughputAreWrittenNullAndCountedPerCall() {
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 1.0, null, 0, 0, -5, 7, 1.0, null);
            assertEquals(1, e.stats().invalidArguments(), "a negative epoch other than UNKNOWN");
            e.emitProgress("training", 2.0, null, 0, 0, 1, Long.MIN_VALUE, 1.0, null);
            assertEquals(2, e.stats().invalidArguments(), "a negative step other than UNKNOWN");
            e.emitProgress("training", 3.0, null, 0, 0, 1, 1, -0.5, null);
            assertEquals(3, e.stats().invalidArguments(), "a negative throughput");
            e.emitProgress("training", 4.0, null, 0, 0, 1, 1, Double.POSITIVE_INFINITY, null);
            assertEquals(4, e.stats().invalidArguments(), "an infinite throughput");
            e.emitProgress("training", 5.0, null, 0, 0, -2, -3, Double.NEGATIVE_INFINITY, null);
            assertEquals(5, e.stats().invalidArguments(), "one count per call, however many bad values");
            e.emitProgress("training", 6.0, null, 0, 0, 1, 1, -0.0, null);
            assertEquals(5, e.stats().invalidArguments(), "-0.0 is zero");
            e.emitProgressWithItemCount("training", 7.0, null, 0, 0, 1, 1, -7, null);
            assertEquals(6, e.stats().invalidArguments(), "a negative item count other than UNKNOWN");
        }
        List<JsonNode> lines = lines();
        assertLoop(lines.get(0), null, 7L, 1.0);
        assertLoop(lines.get(1), 1L, null, 1.0);
        assertLoop(lines.get(2), 1L, 1L, null);
        assertLoop(lines.get(3), 1L, 1L, null);
        assertLoop(lines.get(4), null, null, null);
        assertLoop(lines.get(5), 1L, 1L, 0.0);
        assertEquals("0.0", lines.get(5).get("throughput").asText(), "written as 0.0, not -0.0");
        assertLoop(lines.get(6), 1L, 1L, null);
    }

    @Test
    void strictModeRejectsAnInvalidEpoch() {
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-loop", dir, file()).runStartEvent(false)
                .strict(true).build()) {
            e.emitProgress("training", 1.0, null, 0, 0, UNKNOWN, UNKNOWN, Double.NaN, null);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> e.emitProgress("training", 1.0, null, 0, 0, -4, 1, 1.0, null));
        }
    }

    // ---- the throughput the emitter computes from a count: exact, on the encoder with chosen timestamps ----

    private final BatchBuffer out = new BatchBuffer(4096);
    private final EventEncoder encoder = new EventEncoder("run-loop", null, new RunInfo(START, Map.of()), 4096, out);
    private long seq;

    private JsonNode counted(long micros, long items) {
        EventSlot slot = new EventSlot();
        slot.progress("training", 50.0, null, 0, 0, 1, 1, items < 0 ? Double.NaN : items, true, null, null);
        slot.timestampMicros = START + micros;
        slot.seq = ++seq;
        return Lines.encode(encoder, out, slot);
    }

    private JsonNode given(long micros, double throughput) {
        EventSlot slot = new EventSlot();
        slot.progress("training", 50.0, null, 0, 0, 1, 1, throughput, false, null, null);
        slot.timestampMicros = START + micros;
        slot.seq = ++seq;
        return Lines.encode(encoder, out, slot);
    }

    @Test
    void theThroughputFromACountIsItemsPerSecondSinceThePreviousCount() {
        assertLoop(counted(0, 0), 1L, 1L, null);                          // first count: no window yet
        assertLoop(counted(2 * SECOND, 1000), 1L, 1L, 500.0);             // 1000 items in 2 s
        assertLoop(counted(2 * SECOND + 250_000, 1500), 1L, 1L, 2000.0);  // 500 items in 0.25 s
        assertLoop(given(3 * SECOND, 77.0), 1L, 1L, 77.0);                // a given throughput leaves the window alone
        assertLoop(counted(3 * SECOND + 250_000, 2000), 1L, 1L, 500.0);   // 500 items in 1 s, since the last count
        assertLoop(counted(3 * SECOND + 250_000, 2600), 1L, 1L, null);    // no time passed: the window stays open
        assertLoop(counted(4 * SECOND + 250_000, 3000), 1L, 1L, 1000.0);  // 1000 items in the 1 s since 2000
        assertLoop(counted(5 * SECOND, 100), 1L, 1L, null);               // the count went back: a new window
        assertLoop(counted(6 * SECOND, 400), 1L, 1L, 300.0);
        assertLoop(counted(7 * SECOND, UNKNOWN), 1L, 1L, null);           // no count: null, window untouched
        assertLoop(counted(8 * SECOND, 400), 1L, 1L, 0.0);                // nothing processed in 2 s
    }

    @Test
    void theEmitterComputesTheThroughputFromTheCountsItIsGiven() {
        long[] counts = {0, 4096, 8192, 100, 2148};
        try (DefaultTrainingEventEmitter e = emitter()) {
            for (int i = 0; i < counts.length; i++) {
                waitForTheClock(2);
                e.emitProgressWithItemCount("training", 20.0 * i, null, 0, 0, 0, i, counts[i], null);
            }
            assertEquals(0, e.stats().invalidArguments());
        }
        List<JsonNode> lines = lines();
        assertLoop(lines.get(0), 0L, 0L, null);
        assertLoop(lines.get(3), 0L, 3L, null);
        for (int i : new int[] {1, 2, 4}) {
            double seconds = Lines.micros(Lines.time(lines.get(i - 1), "timestamp"),
                    Lines.time(lines.get(i), "timestamp")) / 1e6;
            double expected = (counts[i] - counts[i - 1]) / seconds;
            assertLoop(lines.get(i), 0L, (long) i, lines.get(i).get("throughput").doubleValue());
            assertEquals(expected, lines.get(i).get("throughput").doubleValue(), expected * 1e-12,
                    "items per second between the two lines' timestamps: " + lines.get(i));
        }
    }

    /** Lets at least {@code millis} of wall-clock time pass, so that successive timestamps differ. */
    private static void waitForTheClock(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    // ---- the stage change that remembers ----

    @Test
    void aStageChangeRemembersTheStageLeftFromStageChangesAndProgress() {
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitStageChange("ranking");                       // nothing before: null
            e.emitStageChange("feature_selection");              // after a stage change: its new stage
            e.emitProgress("training", 10.0, "t", 0, 1);         // progress in another stage, no stage change
            e.emitStageChange("evaluation");                     // left: the progress's stage
            e.emitStageChange("a", "b");                         // the explicit form still says what it is told
            e.emitStageChange("c");                              // left: b
            e.emitProgress(null, 10.0);                          // a null stage is written "unknown"
            e.emitStageChange("d");
            e.emitProgress("training", 50.0, null, 0, 0, 1, 2, 3.0, null);
            e.emitTargetComplete("t", dev.foxml.training.events.TargetStatus.SUCCESS);  // not a stage
            e.emitError("oops", "E", true);
            e.emitStageChange("export");
            e.emitStageChange("export");                         // the same stage again: said as it is
            assertEquals(1, e.stats().invalidArguments(), "only the null stage");
        }
        List<String> previous = new ArrayList<>();
        for (JsonNode line : lines()) {
            if (line.get("event_type").textValue().equals("stage_change")) {
                previous.add(line.get("previous_stage").isNull() ? null : line.get("previous_stage").textValue());
            }
        }
        assertEquals(java.util.Arrays.asList(null, "ranking", "training", "a", "b", "unknown", "training", "export"),
                previous);
    }

    @Test
    void theStageLeftIsTheOneBeforeTheEventInSeqOrderWhateverTheThread() throws Exception {
        int threads = 4;
        int perThread = 500;
        CountDownLatch go = new CountDownLatch(1);
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-loop", dir, file()).runStartEvent(false)
                .synchronous(false).build()) {
            List<Thread> emitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String stage = "stage-" + t;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        if (i % 3 == 0) {
                            e.emitStageChange(stage);
                        } else {
                            e.emitProgress(stage, i % 100, null, 0, 0);
                        }
                    }
                });
                thread.start();
                emitters.add(thread);
            }
            go.countDown();
            for (Thread thread : emitters) {
                thread.join(60_000);
            }
            assertTrue(e.flush());
        }
        List<JsonNode> lines = lines();
        assertEquals(threads * perThread + 1, lines.size(), "every event and the cancelled run_complete");
        String stage = null;
        int stageChanges = 0;
        for (int i = 0; i < lines.size() - 1; i++) {
            JsonNode line = lines.get(i);
            assertEquals(i + 1, line.get("seq").longValue(), "lines in seq order");
            if (line.get("event_type").textValue().equals("stage_change")) {
                String left = line.get("previous_stage").isNull() ? null : line.get("previous_stage").textValue();
                assertEquals(stage, left, "previous_stage of seq " + (i + 1));
                stage = line.get("new_stage").textValue();
                stageChanges++;
            } else {
                stage = line.get("stage").textValue();
            }
        }
        assertTrue(stageChanges > threads, "stage changes were emitted: " + stageChanges);
    }

    // ---- metrics in the caller's order ----

    @Test
    void metricsKeepTheOrderOfAnOrderedMapAndMapOfIsAccepted() {
        Map<String, Number> inserted = new LinkedHashMap<>();
        for (String name : List.of("val_auc", "loss", "lr", "accuracy", "epoch_time", "b", "a")) {
            inserted.put(name, name.length());
        }
        Map<String, Number> sorted = new TreeMap<>(inserted);
        Map<String, Number> unordered = Map.of("loss", 0.5, "acc", 0.75, "lr", 0.01);
        try (DefaultTrainingEventEmitter e = emitter()) {
            e.emitProgress("training", 1.0, null, 0, 0, 1, 1, Double.NaN, inserted);
            e.emitProgress("training", 2.0, null, 0, 0, 1, 1, Double.NaN, sorted);
            e.emitProgress("training", 3.0, null, 0, 0, 1, 1, Double.NaN, unordered);
            e.emitTargetComplete("t", dev.foxml.training.events.TargetStatus.SUCCESS, 1, 0.5, inserted);
            assertEquals(0, e.stats().invalidArguments());
        }
        List<JsonNode> lines = lines();
        assertEquals(new ArrayList<>(inserted.keySet()), Lines.keys(lines.get(0).get("metrics")), "insertion order");
        assertEquals(new ArrayList<>(sorted.keySet()), Lines.keys(lines.get(1).get("metrics")), "sorted order");
        JsonNode written = lines.get(2).get("metrics");
        assertEquals(new ArrayList<>(unordered.keySet()), Lines.keys(written), "Map.of's own iteration order");
        assertEquals(0.75, written.get("acc").doubleValue());
        assertEquals(new ArrayList<>(inserted.keySet()), Lines.keys(lines.get(3).get("metrics")));
    }
}
