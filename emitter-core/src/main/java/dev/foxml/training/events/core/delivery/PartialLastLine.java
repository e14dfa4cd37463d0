package dev.foxml.training.events.core.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether an existing event file ends in a partial line (a writer that died mid-line), to be
 * ended before the next batch, told apart from another process's append still under way.
 *
 * <p>The kernel makes a write visible page by page, so a reader can see an append's first bytes
 * before its last, and on a busy machine that writer can be preempted for milliseconds mid-write.
 * Ending such a line would put an empty line after it. So a partial last line counts as torn
 * only when it is still there after waiting for the appends in flight: changing the file's owner
 * to its owner takes the inode lock that every local Linux file system holds across a write, so
 * it returns only once the writes under way are complete. Where that cannot be done, the file
 * must stop growing for a while instead.
 */
final class PartialLastLine {
    /** Rounds of waiting for other processes' appends in flight before a partial last line counts as torn. */
    private static final int ROUNDS = 3;

    private PartialLastLine() {
    }

    /**
     * Whether the file open as {@code r} ends in a partial line once the appends in flight are written.
     *
     * @param openedFileKey the file's key, to reach it through {@code /proc/self/fd}
     */
    static boolean endsIn(FileChannel r, Object openedFileKey) throws IOException {
        Path fd = null;
        for (int round = 0; ; round++) {
            long size = r.size();
            if (size == 0 || lastByte(r, size) == '\n') {
                return false;
            }
            if (round == ROUNDS) {
                return true;
            }
            if (fd == null) {
                fd = ProcSelfFd.of(openedFileKey);
            }
            if (fd == null || !waitForAppendsInFlight(fd)) {
                return stillPartialOnceQuiet(r, size);
            }
        }
    }

    /** Changes the open file's owner to its owner: returns once the appends in flight are written. */
    private static boolean waitForAppendsInFlight(Path fd) {
        long own = OwnerCheck.ownUid();
        if (own == OwnerCheck.UNKNOWN) {
            return false;
        }
        try {
            // Through /proc/self/fd/N, which leads to the open file whatever the path names now.
            Files.setAttribute(fd, "unix:uid", (int) own);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static byte lastByte(FileChannel r, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        r.read(last, size - 1);
        return last.get(0);
    }

    /** Without the inode lock: a partial last line counts as torn once the file stopped growing for 20 ms. */
    private static boolean stillPartialOnceQuiet(FileChannel r, long size) throws IOException {
        long quietSince = System.nanoTime();
        long deadline = quietSince + 200_000_000L;
        while (System.nanoTime() - quietSince < 20_000_000L) {
            LockSupport.parkNanos(2_000_000L);
            long now = r.size();
            if (now != size) {
                if (now == 0 || lastByte(r, now) == '\n') {
                    return false;
                }
                size = now;
                quietSince = System.nanoTime();
                if (quietSince - deadline > 0) {
                    return true;
                }
            }
        }
        return true;
    }
}
