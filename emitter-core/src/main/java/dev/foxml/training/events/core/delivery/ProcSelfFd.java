package dev.foxml.training.events.core.delivery;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reaching an open file through {@code /proc/self/fd} (Linux), since no JDK call reads the
 * attributes of an open channel or changes them: its link count, its owner.
 */
final class ProcSelfFd {
    private static final Path PROC_FDS = Path.of("/proc/self/fd");

    private ProcSelfFd() {
    }

    /**
     * A {@code /proc/self/fd/N} that leads to the open file (compared by device and inode, which
     * the link's target shares with the path when it was opened), or null. Used only when the
     * file left its path or a partial last line is seen at open: it lists the process's file
     * descriptors.
     */
    static Path of(Object openedFileKey) {
        if (openedFileKey == null || !Files.isDirectory(PROC_FDS)) {
            return null;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC_FDS)) {
            for (Path fd : fds) {
                try {
                    if (openedFileKey.equals(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
                        return fd;
                    }
                } catch (IOException | RuntimeException closedMeanwhile) {
                    // an fd of another thread, closed since the listing: not ours
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Whether the open file still has a name (a renamed file has; a deleted one has none): its
     * link count. Null when it cannot be told.
     */
    static Boolean hasName(Object openedFileKey) {
        Path fd = of(openedFileKey);
        if (fd == null) {
            return null;
        }
        try {
            Object links = Files.getAttribute(fd, "unix:nlink");
            return links instanceof Integer ? (Integer) links > 0 : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
