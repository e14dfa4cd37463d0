package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.OwnerCheck;

import dev.foxml.training.events.EmitterStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fallback file on a real full file system: a 64 KiB tmpfs mounted for the test (root
 * only; the test is skipped, saying why, where it cannot mount one). The disk is filled, events
 * are emitted, space is freed, more events are emitted: the file holds whole valid lines only,
 * every event is counted once as written or dropped, the lines counted as written are exactly
 * the lines in the file, one warning says the disk is full, one says how many events were lost,
 * and the events after space was freed are delivered.
 */
class FullDiskTest {
    @TempDir
    Path dir;

    private Path mountPoint;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "tmpfs is Linux's");
        assumeTrue(OwnerCheck.ownUid() == 0, "mounting a tmpfs takes root (CI runs as root)");
        mountPoint = Files.createDirectory(dir.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        assumeTrue(mounted, () -> "cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): " + output);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            Process umount = new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start();
            assertTrue(umount.waitFor(30, TimeUnit.SECONDS) && umount.exitValue() == 0, "umount " + mountPoint);
        }
    }

    /** Writes to {@code filler} until the file system is full; returns the bytes written. */
    private static long fill(Path filler) throws IOException {
        long written = 0;
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel c = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                block.clear();
                try {
                    while (block.hasRemaining()) {
                        written += c.write(block);
                    }
                } catch (IOException full) {
                    return written;
                }
            }
        }
    }

    @Test
    void aFullDiskLeavesWholeLinesExactCountsAndOneWarningAndDeliveryResumes() throws Exception {
        Path file = mountPoint.resolve("events.jsonl");
        Path filler = mountPoint.resolve("filler");
        String padding = "p".repeat(150);
        try (StderrCapture log = new StderrCapture()) {
            DefaultTrainingEventEmitter emitter = Lines.hermetic("run-full", dir, file)
                    .synchronous(false).runStartEvent(false).build();
            for (int i = 0; i < 10; i++) {
                emitter.emitProgress("training", i, padding, i, 1000);
            }
            assertTrue(emitter.flush());
            long filled = fill(filler);

            // Bursts: the writer takes several lines per batch, so batches are written in part.
            for (int burst = 0; burst < 10; burst++) {
                for (int i = 0; i < 50; i++) {
                    emitter.emitProgress("training", 20, padding, burst * 50 + i, 1000);
                }
                assertTrue(emitter.flush());
            }
            EmitterStats whileFull = emitter.stats();
            assertTrue(whileFull.droppedUnwritable() > 0, () -> "the disk was full: " + whileFull);

            Files.delete(filler);
            for (int i = 0; i < 100; i++) {
                emitter.emitProgress("training", 90, padding, 900 + i, 1000);
            }
            assertTrue(emitter.flush());
            emitter.close();
            EmitterStats stats = emitter.stats();

            byte[] bytes = Files.readAllBytes(file);
            List<Long> seqs = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                assertTrue(bytes[i] != 0, "no NUL byte");
                if (bytes[i] == '\n') {
                    String line = new String(bytes, start, i + 1 - start, StandardCharsets.UTF_8);
                    seqs.add(WireValidator.validate(line).get("seq").asLong());
                    start = i + 1;
                }
            }
            assertEquals(bytes.length, start, "the file ends in a whole line");
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i) > seqs.get(i - 1), "in order, each once");
            }
            assertEquals(stats.emitted(), stats.writtenToFile() + stats.droppedUnwritable(),
                    () -> "written + dropped == emitted: " + stats);
            assertEquals(seqs.size(), stats.writtenToFile(), () -> "the lines counted as written are the lines in the file: "
                    + stats);
            long last = stats.emitted();
            for (long s = last - 100; s <= last; s++) {
                assertTrue(seqs.contains(s), "seq " + s + ", emitted after space was freed, is in the file");
            }

            String warnings = log.text();
            assertEquals(1, count(warnings, "is full"), warnings);
            assertTrue(warnings.contains("No space left on device"), () -> "the cause is named: " + warnings);
            Matcher lost = Pattern.compile("has room again: (\\d+) training events were lost").matcher(warnings);
            assertTrue(lost.find(), warnings);
            assertEquals(stats.droppedUnwritable(), Long.parseLong(lost.group(1)), warnings);
            System.out.println("full disk: filler " + filled + " bytes; emitted " + stats.emitted() + ", written "
                    + stats.writtenToFile() + " (" + whileFull.writtenToFile() + " before space was freed), dropped "
                    + stats.droppedUnwritable() + ", file errors " + stats.fileErrors() + ", lines in the file "
                    + seqs.size());
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
