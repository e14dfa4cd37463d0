package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryTest {
    @TempDir
    Path dir;

    private Path socketPath() {
        return dir.resolve("bridge.sock");
    }

    private Path filePath() {
        return dir.resolve("events.jsonl");
    }

    /**
     * Without the {@code run_start} line, so that the events a test emits are seq 1..n; the first
     * two tests keep it and count it, as a reader sees it.
     */
    private TrainingEventEmitterBuilder builder() {
        return builderWithRunStart().runStartEvent(false);
    }

    private TrainingEventEmitterBuilder builderWithRunStart() {
        return DefaultTrainingEventEmitter.builder("run-d")
                .environment(name -> null)
                .properties(name -> null)
                .socketPath(socketPath())
                .filePath(filePath())
                .shutdownHook(false)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static void emitNumbered(DefaultTrainingEventEmitter emitter, int from, int to) {
        for (int i = from; i < to; i++) {
            emitter.emitProgress("training", 50.0, "ret_5m", i, to);
        }
    }

    private static void assertEverySeqOnce(List<List<String>> sources, long n) {
        TreeMap<Long, Integer> counts = EventFiles.seqCounts(sources);
        assertEquals(n, counts.size(), () -> EventFiles.describeMissing(counts, n));
        assertEquals(1L, counts.firstKey());
        assertEquals(n, counts.lastKey());
    }

    private static void assertEverySeqAtLeastOnce(List<List<String>> sources, long n) {
        TreeMap<Long, Integer> counts = EventFiles.seqCounts(sources);
        for (long s = 1; s <= n; s++) {
            assertTrue(counts.containsKey(s), () -> EventFiles.describeMissing(counts, n));
        }
        assertEquals(n, counts.lastKey(), "no seq beyond what was emitted");
    }

    private static void assertAllValid(List<String> lines) {
        for (String line : lines) {
            WireValidator.validate(line);
        }
    }

    @Test
    void deliversEveryLineToAListeningSocket() throws Exception {
        try (LineServer server = LineServer.reading(socketPath());
             DefaultTrainingEventEmitter emitter = builderWithRunStart().build()) {
            emitter.emitStageChange(null, "training");
            emitter.emitProgress("training", 10.0, "ret_5m", 0, 2);
            emitter.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 2, 0.71);
            emitter.emitRunComplete(RunStatus.SUCCESS);
            assertTrue(emitter.flush());
            assertTrue(server.awaitLines(5, 5, SECONDS));
            List<String> lines = server.lines();
            assertAllValid(lines);
            assertEquals(List.of("run_start", "stage_change", "progress", "target_complete", "run_complete"),
                    lines.stream().map(l -> EventFiles.parse(l).get("event_type").asText()).toList());
            assertEverySeqOnce(List.of(lines), 5);
            assertEquals(5, emitter.stats().writtenToSocket());
            assertEquals(5, emitter.stats().emitted());
            assertTrue(EventFiles.lines(filePath()).isEmpty(), "nothing goes to the file while the socket works");
        }
    }

    @Test
    void appendsToTheFileWhenNoSocketListens() {
        try (DefaultTrainingEventEmitter emitter = builderWithRunStart().build()) {
            emitNumbered(emitter, 0, 100);
            emitter.emitRunComplete(RunStatus.SUCCESS);
            assertTrue(emitter.flush());
            List<String> lines = EventFiles.lines(filePath());
            assertAllValid(lines);
            assertEquals("run_start", EventFiles.parse(lines.get(0)).get("event_type").asText());
            assertEverySeqOnce(List.of(lines), 102);
            EmitterStats stats = emitter.stats();
            assertEquals(102, stats.writtenToFile());
            assertEquals(0, stats.dropped());
        }
    }

    @Test
    void sendsTheRestToTheFileWhenTheServerClosesMidRun() throws Exception {
        LineServer server = LineServer.reading(socketPath());
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            emitNumbered(emitter, 0, 500);
            assertTrue(emitter.flush());
            assertTrue(server.awaitLines(500, 5, SECONDS));
            server.kill();
            emitNumbered(emitter, 500, 1000);
            assertTrue(emitter.flush());
            // Lines the kernel took just before the reader was gone reach the file when the
            // emitter notices (its next write, or its idle check).
            LineServer.poll(() -> EventFiles.seqCounts(List.of(server.lines(), EventFiles.lines(filePath())))
                    .size() == 1000, 5, SECONDS);
            List<String> socketLines = server.lines();
            List<String> fileLines = EventFiles.lines(filePath());
            assertAllValid(fileLines);
            assertEverySeqAtLeastOnce(List.of(socketLines, fileLines), 1000);
            assertTrue(fileLines.size() >= 500, "the events after the kill are in the file");
            assertTrue(emitter.stats().socketErrors() >= 1);
        }
    }

    @Test
    void eightThreadsOfTenThousandEventsArriveWholeAndInOrderPerThread() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        try (LineServer server = LineServer.reading(socketPath());
             DefaultTrainingEventEmitter emitter = builder().build()) {
            runConcurrently(emitter, threads, perThread);
            assertTrue(emitter.flush());
            assertTrue(server.awaitLines(threads * perThread, 30, SECONDS),
                    () -> "got " + server.lines().size());
            assertConcurrentResult(server.lines(), threads, perThread);
            assertEquals(threads * perThread, emitter.stats().writtenToSocket());
        }
    }

    @Test
    void eightThreadsOfTenThousandEventsToTheFileAreExact() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            runConcurrently(emitter, threads, perThread);
            assertTrue(emitter.flush());
            assertConcurrentResult(EventFiles.lines(filePath()), threads, perThread);
            assertEquals(0, emitter.stats().dropped());
        }
    }

    @Test
    void synchronousModeFromEightThreadsKeepsEveryLineWhole() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        try (LineServer server = LineServer.reading(socketPath());
             DefaultTrainingEventEmitter emitter = builder().synchronous(true).build()) {
            runConcurrently(emitter, threads, perThread);
            assertTrue(server.awaitLines(threads * perThread, 30, SECONDS));
            assertConcurrentResult(server.lines(), threads, perThread);
        }
    }

    private static void runConcurrently(DefaultTrainingEventEmitter emitter, int threads, int perThread)
            throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String stage = "worker-" + t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    emitter.emitProgress(stage, 1.0, "target-\u00e9\"\\", i, perThread);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
    }

    private static void assertConcurrentResult(List<String> lines, int threads, int perThread) {
        assertEquals(threads * perThread, lines.size());
        Map<String, Integer> nextIndex = new HashMap<>();
        long lastSeq = 0;
        for (String line : lines) {
            JsonNode event = WireValidator.validate(line);
            long seq = event.get("seq").asLong();
            assertTrue(seq > lastSeq, "seq increases along the stream");
            lastSeq = seq;
            String stage = event.get("stage").asText();
            int expected = nextIndex.getOrDefault(stage, 0);
            assertEquals(expected, event.get("targets_complete").asInt(), "emit order of " + stage);
            nextIndex.put(stage, expected + 1);
            assertEquals("target-\u00e9\"\\", event.get("current_target").asText());
        }
        assertEquals(threads, nextIndex.size());
        assertEquals((long) threads * perThread, lastSeq);
    }

    @Test
    void reconnectsWhenTheSocketAppearsLater() throws Exception {
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            emitNumbered(emitter, 0, 10);
            assertTrue(emitter.flush());
            assertEquals(10, EventFiles.lines(filePath()).size());
            try (LineServer server = LineServer.reading(socketPath())) {
                assertTrue(server.awaitConnections(1, 5, SECONDS), "the emitter connects by itself");
                emitNumbered(emitter, 10, 20);
                assertTrue(emitter.flush());
                assertTrue(server.awaitLines(10, 5, SECONDS));
                assertEverySeqOnce(List.of(EventFiles.lines(filePath()), server.lines()), 20);
            }
        }
    }

    @Test
    void reconnectsWhenTheBridgeRestartsAndRecreatesTheSocket() throws Exception {
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            LineServer first = LineServer.reading(socketPath());
            assertTrue(first.awaitConnections(1, 5, SECONDS));
            emitNumbered(emitter, 0, 100);
            assertTrue(emitter.flush());
            assertTrue(first.awaitLines(100, 5, SECONDS));
            first.kill();
            emitNumbered(emitter, 100, 200);
            assertTrue(emitter.flush());
            try (LineServer second = LineServer.reading(socketPath())) {
                assertTrue(second.awaitConnections(1, 5, SECONDS), "reconnected to the new bridge");
                emitNumbered(emitter, 200, 300);
                assertTrue(emitter.flush());
                assertTrue(second.awaitLines(100, 5, SECONDS));
                List<String> fileLines = EventFiles.lines(filePath());
                assertAllValid(fileLines);
                assertEverySeqAtLeastOnce(List.of(first.lines(), fileLines, second.lines()), 300);
                assertTrue(emitter.stats().reconnects() >= 1);
            }
        }
    }

    @Test
    void replaysLinesTheDeadReaderNeverReadToTheFile() throws Exception {
        // The reader accepts, never reads, then dies: everything the kernel took is unread.
        LineServer server = LineServer.stalled(socketPath());
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            assertTrue(server.awaitConnections(1, 5, SECONDS), "the emitter connects while idle");
            emitNumbered(emitter, 0, 200);
            assertTrue(emitter.flush());
            assertEquals(200, emitter.stats().writtenToSocket(), "the kernel accepted them all");
            server.kill();
            // No further emit: the writer notices the closed peer while idle.
            assertTrue(LineServer.poll(() -> EventFiles.lines(filePath()).size() >= 200, 5, SECONDS),
                    "the unread lines reach the file without waiting for another event");
            List<String> fileLines = EventFiles.lines(filePath());
            assertAllValid(fileLines);
            assertEverySeqOnce(List.of(fileLines), 200);
            assertEquals(200, emitter.stats().replayed());
        }
    }

    @Test
    void aStalledReaderMovesDeliveryToTheFileWithoutHoldingUpTheTrainer() throws Exception {
        int n = 20_000; // several MB: far more than the socket buffers hold
        int later = 50;
        try (LineServer server = LineServer.stalled(socketPath());
             DefaultTrainingEventEmitter emitter = builder().writeTimeout(Duration.ofMillis(100)).build()) {
            long slowest = 0;
            String padding = "x".repeat(200);
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                emitter.emitProgress("training", 50.0, padding, i, n);
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            assertTrue(emitter.flush());
            // A loose bound (the machine is shared): what matters is that no call waited for the socket.
            assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(500), "slowest emit " + slowest / 1_000_000 + " ms");
            assertTrue(emitter.stats().socketErrors() >= 1);
            // After the reconnect backoff (100 ms) the writer tries the bridge again: the stalled
            // bridge accepts, and later events wait unread in the new connection, as they would
            // for a bridge that resumes reading. None may be lost: each is in the file or there.
            // (A slow machine may already reconnect while the first events are being written.)
            LineServer.poll(() -> false, 300, TimeUnit.MILLISECONDS);
            for (int i = 0; i < later; i++) {
                emitter.emitProgress("training", 60.0, padding, i, later);
            }
            assertTrue(emitter.flush());
            assertTrue(emitter.stats().reconnects() >= 1, "reconnected: " + emitter.stats());
            List<String> fileLines = EventFiles.lines(filePath());
            List<String> unread = server.unreadLines();
            assertAllValid(fileLines);
            assertAllValid(unread);
            assertEverySeqAtLeastOnce(List.of(fileLines, unread), n + later);
            assertEquals(0, emitter.stats().dropped());
            assertTrue(server.connectionCount() >= 2);
        }
    }

    @Test
    void synchronousModeHasWrittenTheLineWhenEmitReturns() {
        try (DefaultTrainingEventEmitter emitter = builder().synchronous(true).build()) {
            emitter.emitStageChange(null, "ranking");
            assertEquals(1, EventFiles.lines(filePath()).size());
            emitter.emitProgress("ranking", 0.0);
            assertEquals(2, EventFiles.lines(filePath()).size());
        }
    }

    @Test
    void journalModeWritesEveryEventToTheFileAndTheSocket() throws Exception {
        try (LineServer server = LineServer.reading(socketPath());
             DefaultTrainingEventEmitter emitter = builder().journal(true).build()) {
            emitNumbered(emitter, 0, 50);
            assertTrue(emitter.flush());
            assertTrue(server.awaitLines(50, 5, SECONDS));
            assertEverySeqOnce(List.of(server.lines()), 50);
            assertEverySeqOnce(List.of(EventFiles.lines(filePath())), 50);
        }
    }

    @Test
    void startsOnANewLineWhenTheFileEndsInAPartialLine() throws Exception {
        Files.writeString(filePath(), "{\"event_type\":\"progress\",\"stage\":\"tr", StandardCharsets.UTF_8);
        try (DefaultTrainingEventEmitter emitter = builder().build()) {
            emitter.emitStageChange(null, "training");
            assertTrue(emitter.flush());
        }
        List<String> lines = EventFiles.lines(filePath());
        assertEquals(3, lines.size(), "partial line, our line, the cancelled run_complete");
        assertEquals("{\"event_type\":\"progress\",\"stage\":\"tr\n", lines.get(0));
        assertAllValid(lines.subList(1, 3));
    }

    @Test
    void countsAndKeepsGoingWhenTheFileCannotBeWritten() throws Exception {
        Path unwritable = dir.resolve("missing-dir").resolve("events.jsonl");
        try (LineServer server = LineServer.reading(socketPath())) {
            DefaultTrainingEventEmitter emitter = builder().filePath(unwritable).build();
            emitNumbered(emitter, 0, 5);
            assertTrue(emitter.flush());
            assertTrue(server.awaitLines(5, 5, SECONDS));
            server.kill();
            assertTrue(LineServer.poll(() -> emitter.stats().socketErrors() >= 1, 5, SECONDS),
                    "the idle writer notices the reader is gone");
            emitNumbered(emitter, 5, 10);
            assertTrue(emitter.flush());
            EmitterStats stats = emitter.stats();
            assertTrue(stats.fileErrors() >= 1, stats::toString);
            // The five new events had nowhere to go; the five the socket took could not be
            // replayed to the file, so they count as possibly lost too: never a silent loss.
            assertEquals(10, stats.droppedUnwritable(), stats::toString);
            assertEquals(5, server.lines().size());
            emitter.close();
        }
    }

    @Test
    void closeReportsAnUnfinishedRunAsCancelled() {
        DefaultTrainingEventEmitter emitter = builder().build();
        emitter.emitStageChange(null, "training");
        emitter.close();
        List<String> lines = EventFiles.lines(filePath());
        JsonNode last = WireValidator.validate(lines.get(lines.size() - 1));
        assertEquals("run_complete", last.get("event_type").asText());
        assertEquals("cancelled", last.get("status").asText());
        emitter.emitStageChange("training", "after-close");
        assertEquals(1, emitter.stats().droppedClosed());
        assertEquals(2, EventFiles.lines(filePath()).size());
    }

    @Test
    void nothingLandsAfterTheFinalRunCompleteWhenATrainerThreadKeepsEmittingDuringClose() throws Exception {
        // As when SIGTERM runs the shutdown hook while the training loop is still going.
        for (int round = 0; round < 20; round++) {
            Path file = dir.resolve("race-" + round + ".jsonl");
            DefaultTrainingEventEmitter emitter = builder().filePath(file).runStartEvent(false).build();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch emitting = new CountDownLatch(100);
            Thread trainer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    emitter.emitProgress("training", 50.0, "ret_5m", i, Integer.MAX_VALUE);
                    emitting.countDown();
                }
            });
            trainer.start();
            assertTrue(emitting.await(10, SECONDS));
            emitter.close();
            assertTrue(LineServer.poll(() -> emitter.stats().droppedClosed() >= 1, 5, SECONDS),
                    "the emits after close are counted");
            stop.set(true);
            trainer.join();
            List<String> lines = EventFiles.lines(file);
            JsonNode last = WireValidator.validate(lines.get(lines.size() - 1));
            assertEquals("run_complete", last.get("event_type").asText(), "round " + round);
            assertEquals("cancelled", last.get("status").asText());
            assertEquals(lines.size(), last.get("seq").asLong(), "every line before it, none after");
        }
    }

    @Test
    void aRunCompleteRacingWithCloseEndsTheStreamWithExactlyOneRunComplete() throws Exception {
        // The trainer reports success while the shutdown hook closes: either its run_complete is
        // queued first (and close adds nothing) or it is dropped as too late (and close reports
        // cancelled); never both, never neither.
        int cancelled = 0;
        for (int round = 0; round < 100; round++) {
            Path file = dir.resolve("complete-race-" + round + ".jsonl");
            DefaultTrainingEventEmitter emitter = builder().filePath(file).runStartEvent(false).build();
            emitter.emitStageChange(null, "training");
            CountDownLatch go = new CountDownLatch(1);
            Thread trainer = new Thread(() -> {
                awaitQuietly(go);
                emitter.emitRunComplete(RunStatus.SUCCESS);
            });
            trainer.start();
            go.countDown();
            emitter.close();
            trainer.join();
            List<String> lines = EventFiles.lines(file);
            assertAllValid(lines);
            long runCompletes = lines.stream().filter(l -> l.contains("\"event_type\":\"run_complete\"")).count();
            assertEquals(1, runCompletes, "round " + round + ": " + lines);
            JsonNode last = EventFiles.parse(lines.get(lines.size() - 1));
            assertEquals("run_complete", last.get("event_type").asText(), "round " + round);
            if (last.get("status").asText().equals("cancelled")) {
                cancelled++;
                assertEquals(1, emitter.stats().droppedClosed(), "the trainer's run_complete came too late");
            }
        }
        System.out.println("[race] close won " + cancelled + " of 100 rounds");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void closeAfterRunCompleteAddsNothing() {
        DefaultTrainingEventEmitter emitter = builder().build();
        emitter.emitRunComplete(RunStatus.SUCCESS);
        emitter.close();
        emitter.close();
        List<String> lines = EventFiles.lines(filePath());
        assertEquals(1, lines.size());
        assertEquals("success", EventFiles.parse(lines.get(0)).get("status").asText());
    }
}
