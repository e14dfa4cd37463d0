package dev.foxml.training.events.core;

import dev.foxml.training.events.core.support.EmitterIds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two emitters of one run id (two {@code init} calls, two threads racing to init, a job retried
 * in a new JVM with the same run id and worker) each restart {@code seq} at 1; {@code emitter_id}
 * tells them apart, so a reader that de-duplicates by {@code (emitter_id, seq)}, as the wire
 * format says, keeps every line of both, where {@code (run_id, worker, seq)} drops one run.
 */
class EmitterIdTest {

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

    /** What a reader keeps after de-duplicating by the documented key: the lines, first seen wins. */
    static List<JsonNode> deduplicated(List<JsonNode> lines) {
        Set<String> seen = new HashSet<>();
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode line : lines) {
            if (seen.add(line.get("emitter_id").textValue() + "/" + line.get("seq").longValue())) {
                kept.add(line);
            }
        }
        return kept;
    }

    /** The old rule, for the figures: how many lines {@code (run_id, worker, seq)} would have kept. */
    private static int keptByRunIdAndSeq(List<JsonNode> lines) {
        Set<String> seen = new HashSet<>();
        int kept = 0;
        for (JsonNode line : lines) {
            if (seen.add(line.get("run_id").textValue() + "/" + line.path("worker").asText("") + "/"
                    + line.get("seq").longValue())) {
                kept++;
            }
        }
        return kept;
    }

    /** Each emitter's id, in order of first appearance; every line's id 16 lowercase hex characters. */
    private static List<String> ids(List<JsonNode> lines) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode line : lines) {
            String id = line.get("emitter_id").textValue();
            assertTrue(id.matches("[0-9a-f]{16}"), "emitter_id " + id);
            ids.add(id);
        }
        return new ArrayList<>(ids);
    }

    /** Per emitter, its seq runs 1..n with nothing missing and nothing twice. */
    private static void assertEachEmitterComplete(List<JsonNode> lines, String id, int expected) {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode line : lines) {
            if (line.get("emitter_id").textValue().equals(id)) {
                seqs.add(line.get("seq").longValue());
            }
        }
        assertEquals(expected, seqs.size(), "lines of emitter " + id);
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "seq of emitter " + id);
        }
    }

    private static void emitRun(int progress) {
        TrainingEvents.emitStageChange("training");
        for (int i = 0; i < progress; i++) {
            TrainingEvents.emitProgress("training", i, null, 0, 0);
        }
        TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
    }

    @Test
    void initTwiceWithOneRunIdKeepsEveryLineOfBothRuns() {
        TrainingEventEmitter first = TrainingEvents.init("same-run");
        emitRun(20);
        TrainingEventEmitter second = TrainingEvents.init("same-run");
        emitRun(30);
        TrainingEvents.shutdown();

        List<JsonNode> lines = WireValidator.validateAll(file);
        assertEquals((1 + 1 + 20 + 1) + (1 + 1 + 30 + 1), lines.size());
        List<String> ids = ids(lines);
        assertEquals(2, ids.size(), "one id per emitter");
        String firstId = ((DefaultTrainingEventEmitter) first).emitterId();
        String secondId = ((DefaultTrainingEventEmitter) second).emitterId();
        assertEquals(Set.of(firstId, secondId), Set.copyOf(ids));
        assertEquals(lines, deduplicated(lines), "de-duplication by (emitter_id, seq) drops nothing");
        assertEachEmitterComplete(lines, firstId, 23);
        assertEachEmitterComplete(lines, secondId, 33);
        System.out.println("[emitter_id] init twice: " + lines.size() + " lines, kept by (emitter_id, seq) "
                + deduplicated(lines).size() + ", by (run_id, worker, seq) " + keptByRunIdAndSeq(lines));
    }

    @Test
    void twoThreadsRacingToInitEachKeepTheirLines() throws Exception {
        int rounds = 10;
        for (int round = 0; round < rounds; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<TrainingEventEmitter> created = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                        // Each init closes the emitter current before it (the other thread's,
                        // perhaps): each emitter writes its run_start and a cancelled run_complete.
                        TrainingEventEmitter e = TrainingEvents.init("raced-run");
                        synchronized (created) {
                            created.add(e);
                        }
                    } catch (Throwable t1) {
                        failure.set(t1);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertNull(failure.get());
            for (TrainingEventEmitter e : created) {
                e.close();
            }
            assertNotEquals(((DefaultTrainingEventEmitter) created.get(0)).emitterId(),
                    ((DefaultTrainingEventEmitter) created.get(1)).emitterId());
        }
        TrainingEvents.shutdown();

        List<JsonNode> lines = WireValidator.validateAll(file);
        assertEquals(rounds * 2 * 2, lines.size(), "every line of every emitter reached the file");
        List<String> ids = ids(lines);
        assertEquals(rounds * 2, ids.size(), "one distinct id per emitter");
        assertEquals(lines.size(), deduplicated(lines).size(), "de-duplication by (emitter_id, seq) drops nothing");
        for (String id : ids) {
            assertEachEmitterComplete(lines, id, 2);
        }
        System.out.println("[emitter_id] racing init, " + rounds + " rounds: " + lines.size()
                + " lines, kept by (emitter_id, seq) " + deduplicated(lines).size()
                + ", by (run_id, worker, seq) " + keptByRunIdAndSeq(lines));
    }

    /** A child trainer (ChildTrainer "complete": run_start, stage_change, n progress, run_complete) as worker rank-0. */
    private Process child(int events) throws java.io.IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-D" + TrainingEventEmitterBuilder.SOCKET_PROPERTY + "=" + dir.resolve("none.sock"));
        command.add("-D" + TrainingEventEmitterBuilder.FILE_PROPERTY + "=" + file);
        command.add("-D" + TrainingEventEmitterBuilder.WORKER_PROPERTY + "=rank-0");
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        command.add(ChildTrainer.class.getName());
        command.add("complete");
        command.add(Integer.toString(events));
        command.add("retried-job");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    @Test
    void aJobRetriedInANewJvmWithTheSameRunIdAndWorkerKeepsBothRuns() throws Exception {
        int[] events = {300, 200};
        for (int n : events) {
            Process p = child(n);
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            assertTrue(exited, "the child JVM exits by itself");
            assertEquals(0, p.exitValue());
        }
        List<JsonNode> lines = WireValidator.validateAll(file);
        assertEquals((1 + 1 + 300 + 1) + (1 + 1 + 200 + 1), lines.size());
        for (JsonNode line : lines) {
            assertEquals("retried-job", line.get("run_id").textValue());
            assertEquals("rank-0", line.get("worker").textValue());
        }
        List<String> ids = ids(lines);
        assertEquals(2, ids.size(), "one id per JVM: " + ids);
        assertEachEmitterComplete(lines, ids.get(0), 303);
        assertEachEmitterComplete(lines, ids.get(1), 203);
        List<JsonNode> kept = deduplicated(lines);
        assertEquals(lines.size(), kept.size(), "de-duplication by (emitter_id, seq) drops nothing");
        assertEquals(2, kept.stream().filter(l -> l.get("event_type").textValue().equals("run_complete")
                && l.get("status").textValue().equals("success")).count(), "both runs' success survive");
        System.out.println("[emitter_id] two JVMs, one run id and worker: " + lines.size()
                + " lines, kept by (emitter_id, seq) " + kept.size() + ", by (run_id, worker, seq) "
                + keptByRunIdAndSeq(lines));
    }

    @Test
    void idsAreSixteenLowercaseHexCharactersAndDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = EmitterIds.random();
            assertTrue(id.matches("[0-9a-f]{16}"), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size(), "1000 draws, 1000 ids");
        assertEquals("000000000000002a", EmitterIds.hex(42));
        assertEquals("ffffffffffffffff", EmitterIds.hex(-1));
        Set<Long> fallback = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            fallback.add(EmitterIds.fallbackBits());
        }
        assertEquals(1000, fallback.size(), "the fallback without /dev/urandom differs within a JVM too");
    }

    @Test
    void theBuilderMadeEmitterWritesItsIdOnEveryLine() {
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-id", dir, dir.resolve("own.jsonl"))
                .worker("rank-1").params(Map.of("lr", 0.1)).build()) {
            e.emitStageChange("training");
            e.emitProgress("training", 50.0, null, 0, 0, 1, 2, 3.0, null);
            e.emitError("x", "y", true);
            e.emitRunComplete(RunStatus.SUCCESS);
            List<JsonNode> lines = WireValidator.validateAll(dir.resolve("own.jsonl"));
            assertEquals(5, lines.size());
            for (JsonNode line : lines) {
                assertEquals(e.emitterId(), line.get("emitter_id").textValue(), "emitter_id of " + line);
                List<String> keys = Lines.keys(line);
                assertEquals(keys.indexOf("seq") + 1, keys.indexOf("emitter_id"), "right after seq: " + keys);
                assertEquals(keys.indexOf("emitter_id") + 1, keys.indexOf("worker"), "then worker: " + keys);
            }
        }
    }
}
