package dev.foxml.training.events.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Appends batches of whole lines to the fallback file, each batch in one append-mode
 * {@code write}, so that lines of several processes sharing the file never interleave. Creates
 * the file owner-only (0600), never follows a symbolic link at its path, refuses anything that
 * is not a regular file (a FIFO would block), and when the file ends in a partial line (a writer
 * that died mid-line, a disk that filled up) starts the next batch on a line of its own.
 *
 * <p>Thread-safe: the writer thread and, when the queue overflows, callers append through it.
 */
final class FileTransport {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final Set<OpenOption> OPEN_OPTIONS = Set.of(StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE));

    private final Path path;
    private final ByteBuffer newline = ByteBuffer.allocateDirect(1).put(0, (byte) '\n');
    private final ByteBuffer[] withNewline = new ByteBuffer[2];
    private FileChannel channel;
    private Object openedFileKey;
    private long lastCheckNanos;
    private boolean startWithNewline;

    FileTransport(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * Appends the batch (position to limit) in one write.
     *
     * @throws IOException when the file cannot be opened or written; the message says why
     */
    synchronized void append(ByteBuffer batch) throws IOException {
        ensureOpen();
        try {
            if (startWithNewline) {
                newline.clear();
                withNewline[0] = newline;
                withNewline[1] = batch;
                while (batch.hasRemaining()) {
                    channel.write(withNewline);
                }
                withNewline[1] = null;
                startWithNewline = false;
            } else {
                while (batch.hasRemaining()) {
                    channel.write(batch);
                }
            }
        } catch (IOException e) {
            // A failed or partial write (disk full) may leave half a line: reopen next time,
            // which checks the last byte and repairs.
            closeQuietly();
            throw e;
        }
    }

    private void ensureOpen() throws IOException {
        long now = System.nanoTime();
        if (channel != null) {
            if (now - lastCheckNanos < RECHECK_NANOS) {
                return;
            }
            lastCheckNanos = now;
            // Someone removed or replaced the file (a cleanup, a bridge reset): appending to
            // the old inode would lose every line from now on, so follow the path.
            Object key = fileKeyOrNull();
            if (key != null && Objects.equals(key, openedFileKey)) {
                return;
            }
            closeQuietly();
        }
        open();
        lastCheckNanos = now;
    }

    private Object fileKeyOrNull() {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void open() throws IOException {
        try {
            BasicFileAttributes existing = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (existing.isSymbolicLink()) {
                throw new IOException("refusing to write events through the symbolic link " + path);
            }
            if (!existing.isRegularFile()) {
                throw new IOException("refusing to write events to " + path
                        + ": it is not a regular file (a directory, FIFO or device)");
            }
        } catch (NoSuchFileException absent) {
            // created below
        }
        FileChannel c;
        try {
            c = FileChannel.open(path, OPEN_OPTIONS, OWNER_ONLY);
        } catch (UnsupportedOperationException noPosix) {
            c = FileChannel.open(path, OPEN_OPTIONS);
        }
        try {
            startWithNewline = endsInPartialLine(c);
            openedFileKey = fileKeyOrNull();
            channel = c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private boolean endsInPartialLine(FileChannel c) throws IOException {
        long size = c.size();
        if (size == 0) {
            return false;
        }
        try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing buffered in a FileChannel: closing cannot lose lines
            }
        }
    }
}
