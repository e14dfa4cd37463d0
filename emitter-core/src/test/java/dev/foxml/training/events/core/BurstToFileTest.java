package dev.foxml.training.events.core;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trainer emitting flat out with no bridge listening: the writer hands full batches to its
 * second thread, which appends them to a real file while the writer encodes the next, and the
 * file is renamed in the middle of the burst. Every event must be in exactly one of the two
 * files, in order, and the second thread must end with the emitter.
 */
class BurstToFileTest {
    private static final int EVENTS = 60_000;
    private static final int RENAME_AFTER = 20_000;
    /** A second burst, emitted well after the file's move was noticed (within 20 ms): all in the new file. */
    private static final int LATER = 10_000;

    @TempDir
    Path dir;

    @Test
    void aBurstToARenamedFileLandsOnceInOrderAndTheSecondThreadEndsWithTheEmitter() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Path renamed = dir.resolve("events.jsonl.1");
        DefaultTrainingEventEmitter emitter = Lines.hermetic("run-burst", dir, file)
                .synchronous(false).runStartEvent(false).build();
        String burstThread = null;
        for (int i = 0; i < EVENTS; i++) {
            emitter.emitProgress("training", 100.0 * i / EVENTS, "ret_5m", i, EVENTS);
            if (i == RENAME_AFTER) {
                burstThread = aliveBurstThread();
                assertTrue(LineServer.poll(() -> Files.exists(file), 30, TimeUnit.SECONDS), "the burst reached the file");
                Files.move(file, renamed, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        assertTrue(emitter.flush());
        Thread.sleep(100);
        for (int i = 0; i < LATER; i++) {
            emitter.emitProgress("training", 99.0, "ret_5m", i, LATER);
        }
        emitter.emitRunComplete(RunStatus.SUCCESS);
        assertTrue(emitter.flush());
        if (burstThread == null) {
            burstThread = aliveBurstThread();
        }
        emitter.close();
        EmitterStats stats = emitter.stats();

        assertTrue(burstThread != null, "full batches went to the writer's second thread");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().equals(burstThread) && t.isAlive(), "the second thread ends with the emitter");
        }
        List<Long> before = Lines.seqs(renamed);
        List<Long> after = Lines.seqs(file);
        assertFalse(before.isEmpty(), "lines before the rename are in the renamed file");
        assertTrue(after.size() >= LATER, "the file at the path gets the lines after the move: " + after.size());
        List<Long> all = new ArrayList<>(before);
        all.addAll(after);
        int total = EVENTS + LATER + 1; // and run_complete
        assertEquals(total, stats.emitted(), stats::toString);
        assertEquals(total, all.size(), () -> "every event once: " + stats);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i), "in seq order, the renamed file first");
        }
        assertEquals(total, stats.writtenToFile(), stats::toString);
        assertEquals(0, stats.droppedUnwritable() + stats.droppedQueueFull(), stats::toString);
    }

    /** The name of a live second thread of a writer, or null. */
    private static String aliveBurstThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("foxml-training-events-burst-") && t.isAlive()) {
                return t.getName();
            }
        }
        return null;
    }
}
