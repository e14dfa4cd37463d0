package dev.foxml.training.events.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends batches of whole lines to the fallback file, each batch in one append-mode
 * {@code write}, so that lines of several processes sharing the file never interleave. When the
 * file ends in a partial line (a writer that died mid-line, a disk that filled up) the next
 * batch starts on a line of its own.
 *
 * <p>The default file is in {@code /tmp}, where anyone may have put something first. Before
 * opening, the path is checked without following links: a symbolic link, anything but a regular
 * file (a FIFO would block the open), a file of another user (see {@link OwnerCheck}) and a file
 * with several hard links are refused, and the append fails (counted and warned about by the
 * caller). A file that is not there is created exclusively ({@code O_EXCL}) and owner-only
 * (0600), so that nothing that appears between the check and the open is opened instead. The
 * check is repeated when the path is found to name another file (at most once a second).
 *
 * <p>Thread-safe: the writer thread and, when the queue overflows, callers append through it.
 */
final class FileTransport {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final Set<OpenOption> CREATE_OPTIONS = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> APPEND_OPTIONS = Set.of(StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final String UNIX_ATTRIBUTES = "unix:isSymbolicLink,isRegularFile,fileKey,uid,nlink";
    private static final String BASIC_ATTRIBUTES = "basic:isSymbolicLink,isRegularFile,fileKey";
    private static final String FILE_SETTING = TrainingEventEmitterBuilder.FILE_ENV;
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
        FileChannel c = null;
        FileChannel reader = null;
        Object checkedKey = null;
        for (int attempt = 0; c == null; attempt++) {
            Map<String, Object> existing = attributesOrNull();
            if (existing == null) {
                try {
                    // O_CREAT|O_EXCL: never opens what appeared since the check (a FIFO would
                    // block, a link would lead elsewhere), and the new file is ours, 0600.
                    c = create();
                } catch (FileAlreadyExistsException raced) {
                    if (attempt > 0) {
                        throw raced;
                    }
                }
            } else {
                checkedKey = checkExisting(existing);
                // Should the path have been swapped for a FIFO since the check, a write-only open
                // would wait for a reader. O_RDWR opens even a FIFO at once (Linux), and with it
                // open the FIFO has a reader, so the append-only open below does not wait either;
                // the file key check then refuses what was opened.
                try {
                    reader = FileChannel.open(path, READ_OPTIONS);
                } catch (AccessDeniedException writeOnly) {
                    reader = null; // a file its owner made write-only: appended to, not read
                }
                try {
                    c = FileChannel.open(path, APPEND_OPTIONS);
                } catch (IOException | RuntimeException e) {
                    if (reader != null) {
                        reader.close();
                    }
                    throw e;
                }
            }
        }
        try (FileChannel lastByte = reader) {
            openedFileKey = fileKeyOrNull();
            if (checkedKey != null && !checkedKey.equals(openedFileKey)) {
                throw new IOException("refusing to write events to " + path
                        + ": it was replaced while being opened; it is checked again at the next write");
            }
            startWithNewline = lastByte != null && endsInPartialLine(lastByte);
            channel = c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private FileChannel create() throws IOException {
        try {
            return FileChannel.open(path, CREATE_OPTIONS, OWNER_ONLY);
        } catch (UnsupportedOperationException noPosix) {
            return FileChannel.open(path, CREATE_OPTIONS);
        }
    }

    /** The attributes of what is at the path now (a link itself, not its target), or null when nothing is. */
    private Map<String, Object> attributesOrNull() throws IOException {
        try {
            try {
                return Files.readAttributes(path, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
                return Files.readAttributes(path, BASIC_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (NoSuchFileException absent) {
            return null;
        }
    }

    /**
     * Refuses what must not be appended to: a symbolic link (it can point at any file of ours),
     * anything but a regular file (a FIFO would block the open, a device would take the bytes),
     * a file of another user (they would read the run's events, or feed the bridge theirs) and
     * a file with several hard links (another name for one of our own files).
     *
     * @return the file key, to see that the file opened is the file checked
     */
    private Object checkExisting(Map<String, Object> attributes) throws IOException {
        if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
            throw new IOException("refusing to write events through the symbolic link " + path
                    + " (it can point at any file): remove it or choose another event file (" + FILE_SETTING + ")");
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
            throw new IOException("refusing to write events to " + path
                    + ": it is not a regular file (a directory, FIFO, socket or device)");
        }
        Object uid = attributes.get("uid");
        if (uid instanceof Integer) {
            OwnerCheck.requireOwn(path, Integer.toUnsignedLong((Integer) uid), "to append events to the file",
                    "remove it or choose another event file (" + FILE_SETTING + ")");
        }
        Object links = attributes.get("nlink");
        if (links instanceof Integer && (Integer) links > 1) {
            throw new IOException("refusing to write events to " + path + ": it has " + links
                    + " hard links, so it is also another file; remove it or choose another event file ("
                    + FILE_SETTING + ")");
        }
        return attributes.get("fileKey");
    }

    /**
     * Whether the file ends in a partial line. A file this transport has just created is not
     * looked at: it was empty, and whoever else appends to it writes whole lines.
     */
    private static boolean endsInPartialLine(FileChannel reader) throws IOException {
        long size = reader.size();
        ByteBuffer last = ByteBuffer.allocate(1);
        // Another process's append may be under way: a reader can see its first bytes before
        // its last. Only a tail that stays partial while the file stops growing is torn;
        // otherwise we would add an empty line before our own.
        for (int look = 0; size > 0; look++) {
            last.clear();
            reader.read(last, size - 1);
            if (last.get(0) == '\n') {
                return false;
            }
            if (look == 4) {
                return true;
            }
            LockSupport.parkNanos(2_000_000L);
            long now = reader.size();
            if (now == size) {
                return true;
            }
            size = now;
        }
        return false;
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
