package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.OwnerCheck;

import dev.foxml.training.events.EmitterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fallback file lives in a shared directory ({@code /tmp} by default) where anyone may have
 * put something at its path first. Each case is arranged for real in {@code @TempDir}: a
 * symbolic link, a FIFO, a socket, a hard link, a file of another user. None of them is written
 * through, none blocks an emit call, and each refusal is counted in {@code fileErrors} and
 * warned about. The file the emitter creates itself is owner-only.
 *
 * <p>Nothing listens on the socket, so every event goes to the file (or is counted as dropped).
 */
class HostileFileSystemTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private Path eventFile() {
        return dir.resolve("events.jsonl");
    }

    private DefaultTrainingEventEmitter emitter(Path file, boolean synchronous) {
        return Lines.hermetic("run-h", dir, file)
                .synchronous(synchronous)
                .runStartEvent(false)
                .build();
    }

    private static void emitThree(DefaultTrainingEventEmitter e) {
        e.emitStageChange(null, "training");
        e.emitProgress("training", 50.0, "ret_5m", 1, 2);
        e.emitTargetComplete("ret_5m", dev.foxml.training.events.TargetStatus.SUCCESS, 1, 0.7);
    }

    /** Synchronous: one failed append per event. */
    private static void assertRefused(EmitterStats stats, int events) {
        assertEquals(events, stats.fileErrors(), () -> "one failed append per event: " + stats);
        assertRefusedInBatches(stats, events);
    }

    /** Asynchronous: the writer appends a batch at a time, so at least one failed append. */
    private static void assertRefusedInBatches(EmitterStats stats, int events) {
        assertEquals(0, stats.writtenToFile(), stats::toString);
        assertTrue(stats.fileErrors() >= 1, stats::toString);
        assertEquals(events, stats.droppedUnwritable(), () -> "counted as dropped: " + stats);
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertTrue(p.waitFor(10, SECONDS) && p.exitValue() == 0, "mkfifo " + path);
        assertTrue(Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "a FIFO");
    }

    // ---- what the emitter creates ----

    @Test
    void theFileTheEmitterCreatesIsOwnerOnly() throws IOException {
        try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
            emitThree(e);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(eventFile())));
        assertEquals(OwnerCheck.ownUid(), OwnerCheck.ownerUid(eventFile()));
        assertEquals(4, WireValidator.validateAll(eventFile()).size(), "three events and the cancelled run");
    }

    @Test
    void anExistingFileOfOurOwnIsAppendedToAsItIs() throws IOException {
        Files.writeString(eventFile(), "{\"earlier\": true}\n");
        Files.setPosixFilePermissions(eventFile(), PosixFilePermissions.fromString("rw-r-----"));
        try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
            emitThree(e);
            assertEquals(3, e.stats().writtenToFile());
        }
        assertEquals(5, EventFiles.lines(eventFile()).size());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(eventFile())),
                "the owner's own choice of permissions is kept");
    }

    // ---- symbolic links ----

    @Test
    void aSymbolicLinkAtTheFilePathIsNotFollowed() throws IOException {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "precious\n");
        Files.createSymbolicLink(eventFile(), victim);
        try (StderrCapture log = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
                emitThree(e);
                assertRefused(e.stats(), 3);
            }
            assertTrue(log.text().contains("refusing to write events through the symbolic link " + eventFile()),
                    log.text());
        }
        assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
        assertTrue(Files.isSymbolicLink(eventFile()), "the link is left in place");
    }

    @Test
    void aDanglingSymbolicLinkDoesNotCreateItsTarget() throws IOException {
        Path target = dir.resolve("would-be-created.txt");
        Files.createSymbolicLink(eventFile(), target);
        try (DefaultTrainingEventEmitter e = emitter(eventFile(), false)) {
            emitThree(e);
            assertTrue(e.flush());
            assertRefusedInBatches(e.stats(), 3);
        }
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing was created through the link");
    }

    // ---- things that are not regular files ----

    @Test
    void aFifoAtTheFilePathIsRefusedWithoutBlocking() throws Exception {
        mkfifo(eventFile());
        try (StderrCapture log = new StderrCapture()) {
            // Opening a FIFO for writing blocks until a reader comes: it must never be opened.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
                    emitThree(e);
                    assertRefused(e.stats(), 3);
                }
                try (DefaultTrainingEventEmitter e = emitter(eventFile(), false)) {
                    emitThree(e);
                    assertTrue(e.flush(), "the writer is not stuck");
                    assertRefusedInBatches(e.stats(), 3);
                }
            });
            assertTrue(log.text().contains("refusing to write events to " + eventFile() + ": it is not a regular file"),
                    log.text());
        }
    }

    @Test
    void aFileReplacedByAFifoWhileOpenIsRefusedAtTheNextCheckWithoutBlocking() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
                e.emitStageChange(null, "training");
                assertEquals(1, e.stats().writtenToFile());
                Files.delete(eventFile());
                mkfifo(eventFile());
                // The path is looked at again at most once a second: emit until the FIFO is noticed.
                assertTrue(LineServer.poll(() -> {
                    e.emitProgress("training", 1.0);
                    return e.stats().fileErrors() > 0;
                }, 5, SECONDS), "the replaced file is noticed");
                assertTrue(Files.readAttributes(eventFile(), java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).isOther(), "the FIFO is still there, never opened");
            }
        });
    }

    @Test
    void aSocketAtTheFilePathIsRefused() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(eventFile()));
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
                    emitThree(e);
                    assertRefused(e.stats(), 3);
                }
            });
        }
    }

    @Test
    void aHardLinkToAnotherFileIsRefused() throws IOException {
        Path other = dir.resolve("other-file-of-ours.txt");
        Files.writeString(other, "keep me\n");
        Files.createLink(eventFile(), other);
        try (StderrCapture log = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
                emitThree(e);
                assertRefused(e.stats(), 3);
            }
            assertTrue(log.text().contains("has 2 hard links"), log.text());
        }
        assertEquals("keep me\n", Files.readString(other));
    }

    // ---- files of another user ----

    @Test
    void aFileOfAnotherUserIsNotWrittenToEvenByRoot() throws IOException {
        assumeTrue(OwnerCheck.ownUid() == 0, "only root can give a file to another user");
        Files.writeString(eventFile(), "theirs\n");
        Files.setAttribute(eventFile(), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(eventFile(), PosixFilePermissions.fromString("rw-rw-rw-"));
        try (StderrCapture log = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = emitter(eventFile(), true)) {
                emitThree(e);
                assertRefused(e.stats(), 3);
            }
            String warnings = log.text();
            for (String part : List.of("refusing to append events to the file " + eventFile(),
                    "belongs to uid " + NOBODY, "uid " + OwnerCheck.ownUid(), TrainingEventEmitterBuilder.FILE_ENV)) {
                assertTrue(warnings.contains(part), () -> "'" + part + "' missing from: " + warnings);
            }
        }
        assertEquals("theirs\n", Files.readString(eventFile()), "not a byte appended");
    }

    @Test
    void theProcessUidIsTheEffectiveUid() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux");
        Path probe = Files.createFile(dir.resolve("probe"));
        assertEquals(OwnerCheck.ownerUid(probe), OwnerCheck.ownUid(), "the owner of a file we create");
        Object procSelf = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertEquals(((Integer) procSelf).longValue(), OwnerCheck.ownUid());
    }
}
