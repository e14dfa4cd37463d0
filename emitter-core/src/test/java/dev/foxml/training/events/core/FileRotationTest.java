package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.delivery.FailoverDelivery;
import dev.foxml.training.events.core.delivery.FileTransport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.EmitterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fallback file renamed (logrotate's create mode), deleted (a {@code /tmp} cleaner) or
 * copied and truncated (logrotate's copytruncate) while a real emitter appends to it at about
 * 1,000 events a second: every event ends up in exactly one file a reader can find, none in a
 * deleted file, the counters match the lines found, and every line is valid.
 *
 * <p>The emitting loop records when each event was emitted ({@code System.nanoTime()}), so the
 * tests know which events were emitted {@value FileTransport#CHECK_MILLIS} ms or more after a
 * rename or delete had returned: those must be in the new file.
 */
class FileRotationTest {
    private static final int EVENTS = 1_500;
    private static final long PACE_NANOS = 1_000_000L;
    private static final long NOTICE_NANOS = TimeUnit.MILLISECONDS.toNanos(FileTransport.CHECK_MILLIS);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("events.jsonl");
    }

    /** Emits {@link #EVENTS} events at about one per millisecond, recording when each was emitted. */
    private static final class PacedTrainer extends Thread {
        final DefaultTrainingEventEmitter emitter;
        final long[] emittedAt = new long[EVENTS];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Called after the event of the given index was emitted, on this thread. */
        final java.util.function.IntConsumer afterEmit;

        PacedTrainer(DefaultTrainingEventEmitter emitter, java.util.function.IntConsumer afterEmit) {
            super("paced-trainer");
            this.emitter = emitter;
            this.afterEmit = afterEmit;
        }

        @Override
        public void run() {
            try {
                long start = System.nanoTime();
                for (int i = 0; i < EVENTS; i++) {
                    long due = start + i * PACE_NANOS;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    emittedAt[i] = System.nanoTime();
                    emitter.emitProgress("training", 100.0 * i / EVENTS, "ret_5m", i, EVENTS);
                    afterEmit.accept(i);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        /** The index of the first event emitted at or after {@code nanos}, or EVENTS. */
        int firstEmittedFrom(long nanos) {
            for (int i = 0; i < EVENTS; i++) {
                if (emittedAt[i] - nanos >= 0) {
                    return i;
                }
            }
            return EVENTS;
        }
    }

    private DefaultTrainingEventEmitter asyncEmitter(String run) {
        return Lines.hermetic(run, dir, file()).synchronous(false).runStartEvent(false).build();
    }

    private static void awaitTrainer(PacedTrainer trainer) throws InterruptedException {
        trainer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(trainer.isAlive(), "the trainer finished");
        if (trainer.failure.get() != null) {
            throw new AssertionError("the trainer failed", trainer.failure.get());
        }
    }

    // ---- logrotate's create mode: the file is renamed, a new one appears at the path ----

    @Test
    void aRenamedFileIsLeftWithin20MsAndEveryEventIsInExactlyOneFile() throws Exception {
        int[] renameAfter = {300, 700, 1100};
        long[] renameStart = new long[renameAfter.length];
        long[] renameDone = new long[renameAfter.length];
        List<Path> rotated = new ArrayList<>();
        DefaultTrainingEventEmitter emitter = asyncEmitter("run-rename");
        PacedTrainer trainer = new PacedTrainer(emitter, i -> { });
        trainer.start();
        for (int r = 0; r < renameAfter.length; r++) {
            int after = renameAfter[r];
            assertTrue(LineServer.poll(() -> emitter.stats().emitted() >= after, 30, TimeUnit.SECONDS));
            Path target = dir.resolve("events.jsonl." + (r + 1));
            assertTrue(LineServer.poll(() -> Files.exists(file()), 30, TimeUnit.SECONDS), "a file to rotate");
            renameStart[r] = System.nanoTime();
            Files.move(file(), target, StandardCopyOption.ATOMIC_MOVE);
            renameDone[r] = System.nanoTime();
            rotated.add(target);
        }
        awaitTrainer(trainer);
        emitter.close();
        EmitterStats stats = emitter.stats();

        Map<Path, List<Long>> seqsByFile = new java.util.LinkedHashMap<>();
        for (Path p : rotated) {
            seqsByFile.put(p, Lines.seqs(p));
        }
        seqsByFile.put(file(), Lines.seqs(file()));
        TreeMap<Long, Integer> counts = new TreeMap<>();
        int lines = 0;
        for (List<Long> seqs : seqsByFile.values()) {
            lines += seqs.size();
            for (long s : seqs) {
                counts.merge(s, 1, Integer::sum);
            }
        }
        for (long s = 1; s <= stats.emitted(); s++) {
            assertEquals(1, counts.getOrDefault(s, 0), "seq " + s + " is in exactly one of the files");
        }
        assertEquals(stats.emitted(), lines, () -> "no line twice, none extra: " + stats);
        assertEquals(lines, stats.writtenToFile(), stats::toString);
        assertEquals(0, stats.droppedUnwritable(), stats::toString);

        StringBuilder figures = new StringBuilder("rename: events per file");
        seqsByFile.forEach((p, seqs) -> figures.append(' ').append(p.getFileName()).append('=').append(seqs.size()));
        for (int r = 0; r < renameAfter.length; r++) {
            List<Long> before = seqsByFile.get(rotated.get(r));
            long lastSeqInOld = before.get(before.size() - 1);
            // Events emitted 20 ms or more after the rename returned are written 20 ms or more
            // after it: they must be in a later file.
            int mustBeLater = trainer.firstEmittedFrom(renameDone[r] + NOTICE_NANOS);
            assertTrue(lastSeqInOld <= mustBeLater, "rename " + (r + 1) + ": seq " + lastSeqInOld
                    + " went to the renamed file, but every event from seq " + (mustBeLater + 1)
                    + " on was emitted 20 ms or more after the rename");
            long lagNanos = trainer.emittedAt[(int) lastSeqInOld - 1] - renameStart[r];
            int afterRename = (int) (lastSeqInOld - trainer.firstEmittedFrom(renameStart[r]));
            figures.append("; rename ").append(r + 1).append(": ").append(Math.max(0, afterRename))
                    .append(" events emitted after it still in the renamed file, the last emitted ")
                    .append(afterRename > 0 ? String.format("%.1f ms after the rename", lagNanos / 1e6) : "before it");
        }
        System.out.println(figures);
    }

    // ---- a /tmp cleaner or a person deletes the file ----

    @Test
    void aDeletedFileIsLeftWithin20MsAndNoEventIsLostInIt() throws Exception {
        int[] deleteAfter = {400, 1000};
        List<FileChannel> deleted = new ArrayList<>();
        long[] sizeBefore = new long[deleteAfter.length];
        long[] deleteDone = new long[deleteAfter.length];
        DefaultTrainingEventEmitter emitter = asyncEmitter("run-delete");
        PacedTrainer trainer = new PacedTrainer(emitter, i -> { });
        trainer.start();
        try {
            for (int d = 0; d < deleteAfter.length; d++) {
                int after = deleteAfter[d];
                assertTrue(LineServer.poll(() -> emitter.stats().emitted() >= after, 30, TimeUnit.SECONDS));
                assertTrue(LineServer.poll(() -> Files.exists(file()), 30, TimeUnit.SECONDS), "a file to delete");
                // Kept open to read afterwards what the deleted file received.
                FileChannel old = FileChannel.open(file(), StandardOpenOption.READ);
                deleted.add(old);
                sizeBefore[d] = old.size();
                Files.delete(file());
                deleteDone[d] = System.nanoTime();
            }
            awaitTrainer(trainer);
            emitter.close();
            EmitterStats stats = emitter.stats();

            List<Long> inNewFile = Lines.seqs(file());
            // What each file held that a reader could find: a deleted file's lines up to its
            // deletion, and the new file at the end.
            List<List<Long>> visible = new ArrayList<>();
            List<List<Long>> afterDelete = new ArrayList<>();
            for (int d = 0; d < deleted.size(); d++) {
                FileChannel old = deleted.get(d);
                ByteBuffer all = ByteBuffer.allocate((int) old.size());
                while (all.hasRemaining() && old.read(all, all.position()) > 0) {
                    // read on
                }
                String content = new String(all.array(), StandardCharsets.UTF_8);
                // The size read just before the deletion, back to a line's end (a write may have been under way).
                int cut = (int) sizeBefore[d];
                while (cut > 0 && content.charAt(cut - 1) != '\n') {
                    cut--;
                }
                visible.add(Lines.seqsOf(content.substring(0, cut), "deleted file " + (d + 1)));
                afterDelete.add(Lines.seqsOf(content.substring(cut), "deleted file " + (d + 1)));
            }
            visible.add(inNewFile);
            StringBuilder figures = new StringBuilder("delete:");
            for (int d = 0; d < deleted.size(); d++) {
                // Lines the deleted file received after its deletion were copied to the next file.
                List<Long> next = visible.get(d + 1);
                for (long s : afterDelete.get(d)) {
                    assertTrue(next.contains(s), "seq " + s + " was written to the deleted file " + (d + 1)
                            + " and not copied to the next file");
                }
                int mustBeLater = trainer.firstEmittedFrom(deleteDone[d] + NOTICE_NANOS);
                for (long s : afterDelete.get(d)) {
                    assertTrue(s <= mustBeLater, "seq " + s + " went to the deleted file " + (d + 1)
                            + ", but it was emitted 20 ms or more after the deletion");
                }
                figures.append(" file ").append(d + 1).append(": ").append(visible.get(d).size())
                        .append(" lines when deleted, ").append(afterDelete.get(d).size())
                        .append(" written to it after the deletion (copied to the next file);");
            }
            TreeMap<Long, Integer> found = new TreeMap<>();
            int duplicates = 0;
            for (List<Long> seqs : visible) {
                assertEquals(seqs.size(), seqs.stream().distinct().count(), "no line twice in one file");
                for (long s : seqs) {
                    if (found.merge(s, 1, Integer::sum) > 1) {
                        duplicates++; // copied again from the last look before the deletion on
                    }
                }
            }
            for (long s = 1; s <= stats.emitted(); s++) {
                assertTrue(found.containsKey(s), "seq " + s + " is in a file that was readable");
            }
            assertEquals(stats.emitted(), found.size(), stats::toString);
            assertEquals(found.size(), stats.writtenToFile(), () -> "written == lines found: " + stats);
            assertEquals(0, stats.droppedUnwritable(), stats::toString);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())),
                    "the new file is created as the first was");
            figures.append(" new file: ").append(inNewFile.size()).append(" lines; ").append(duplicates)
                    .append(" lines both in a deleted file before its deletion and in the next file; written=")
                    .append(stats.writtenToFile()).append(" emitted=").append(stats.emitted());
            System.out.println(figures);
        } finally {
            for (FileChannel c : deleted) {
                c.close();
            }
        }
    }

    // ---- logrotate's copytruncate ----

    /**
     * Copied and truncated to 0 as logrotate does it, while the trainer keeps emitting. The
     * test holds the transport's lock during copy and truncate: logrotate cannot, and a line
     * written between its copy and its truncate is lost (logrotate's documentation says so);
     * with the lock, any loss the test finds is the emitter's.
     */
    @Test
    void aCopiedAndTruncatedFileGetsTheNextLinesAtItsNewEndWithoutNulBytes() throws Exception {
        FileTransport transport = new FileTransport(file());
        EmitterConfig config = Lines.hermetic("run-copytruncate", dir, file()).synchronous(false)
                .runStartEvent(false).config();
        DefaultTrainingEventEmitter emitter = new DefaultTrainingEventEmitter(config,
                (c, counters, log) -> FailoverDelivery.forConfig(c, transport, counters, log));
        int[] rotateAfter = {400, 1000};
        List<Path> copies = new ArrayList<>();
        PacedTrainer trainer = new PacedTrainer(emitter, i -> { });
        trainer.start();
        for (int r = 0; r < rotateAfter.length; r++) {
            int after = rotateAfter[r];
            assertTrue(LineServer.poll(() -> emitter.stats().emitted() >= after, 30, TimeUnit.SECONDS));
            Path copy = dir.resolve("events.jsonl." + (r + 1));
            synchronized (transport) {
                Files.copy(file(), copy);
                try (FileChannel original = FileChannel.open(file(), StandardOpenOption.WRITE)) {
                    original.truncate(0);
                }
            }
            copies.add(copy);
        }
        awaitTrainer(trainer);
        emitter.close();
        EmitterStats stats = emitter.stats();

        List<Path> all = new ArrayList<>(copies);
        all.add(file());
        TreeMap<Long, Integer> counts = new TreeMap<>();
        StringBuilder figures = new StringBuilder("copytruncate: events per file");
        int lines = 0;
        for (Path p : all) {
            List<Long> seqs = Lines.seqs(p);
            figures.append(' ').append(p.getFileName()).append('=').append(seqs.size());
            lines += seqs.size();
            for (long s : seqs) {
                counts.merge(s, 1, Integer::sum);
            }
        }
        for (long s = 1; s <= stats.emitted(); s++) {
            assertEquals(1, counts.getOrDefault(s, 0), "seq " + s + " is in exactly one of the files");
        }
        assertEquals(lines, stats.writtenToFile(), stats::toString);
        assertEquals(stats.emitted(), lines, stats::toString);
        System.out.println(figures);
    }

    // ---- the cost of the look ----

    /** Not an assertion on speed: prints what one look at the path costs, for the documentation. */
    @Test
    void theLookAtThePathCostsAboutAMicrosecondPerBatchAtMostEvery20Ms() throws Exception {
        Path f = file();
        FileTransport transport = new FileTransport(f);
        ByteBuffer line = ByteBuffer.wrap("{\"x\":1}\n".getBytes(StandardCharsets.US_ASCII));
        transport.append(line);
        // The machine may be busy: the fastest of several rounds is the cost itself.
        int rounds = 20;
        int n = 500;
        long[] perLook = new long[rounds];
        Object key = null;
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ)) {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    c.size();
                    key = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
                }
                perLook[r] = (System.nanoTime() - t0) / n;
            }
        }
        java.util.Arrays.sort(perLook);
        transport.close();
        assertTrue(key != null);
        System.out.println("look at the path (fstat + lstat + file key): fastest round " + perLook[0]
                + " ns, median round " + perLook[rounds / 2] + " ns per look; once per batch at most every "
                + FileTransport.CHECK_MILLIS + " ms");
    }

    /** A rename seen by a transport used directly: the next append after 20 ms goes to the new file. */
    @Test
    void aTransportFollowsThePathAfterARename() throws Exception {
        FileTransport transport = new FileTransport(file());
        transport.append(ByteBuffer.wrap("{\"n\":1}\n".getBytes(StandardCharsets.US_ASCII)));
        Path renamed = dir.resolve("events.jsonl.1");
        Files.move(file(), renamed, StandardCopyOption.ATOMIC_MOVE);
        long renamedAt = System.nanoTime();
        while (System.nanoTime() - renamedAt < NOTICE_NANOS) {
            LockSupport.parkNanos(1_000_000L); // the time the guarantee allows, not a synchronisation
        }
        transport.append(ByteBuffer.wrap("{\"n\":2}\n".getBytes(StandardCharsets.US_ASCII)));
        transport.close();
        assertEquals("{\"n\":1}\n", Files.readString(renamed));
        assertEquals("{\"n\":2}\n", Files.readString(file()));
    }
}
