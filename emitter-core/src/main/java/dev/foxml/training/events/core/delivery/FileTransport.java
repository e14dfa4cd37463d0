package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
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
import java.util.function.LongConsumer;

/**
 * Appends batches of whole lines to the fallback file, each batch in one append-mode
 * {@code write}, so that lines of several processes sharing the file never interleave. When the
 * file ends in a partial line (a writer that died mid-line) the next batch starts on a line of
 * its own.
 *
 * <p>The default file is in {@code /tmp}, where anyone may have put something first. Before
 * opening, the path is checked without following links: a symbolic link, anything but a regular
 * file (a FIFO would block the open), a file of another user (see {@link OwnerCheck}) and a file
 * with several hard links are refused, and the append fails (counted and warned about by the
 * caller). A file that is not there is created exclusively ({@code O_EXCL}) and owner-only
 * (0600), so that nothing that appears between the check and the open is opened instead.
 *
 * <p>The file may be renamed (logrotate's create mode), deleted (a {@code /tmp} cleaner, a
 * person) or truncated (logrotate's copytruncate) while open. Before a batch, when
 * {@value #CHECK_MILLIS} ms or more have passed since the last look, the path is looked at again
 * (one {@code stat}, about a microsecond, per batch at most every {@value #CHECK_MILLIS} ms, never
 * per event); when it names another file or none, the next batch goes to a new file at the path,
 * opened as above. Lines written to a deleted file since the last look are read back from it and
 * written to the new file first, so none is lost in the deleted inode. Truncation needs nothing:
 * every write appends at the file's end as it is then.
 *
 * <p>When a write fails part way (a full disk), the lines it wrote whole are reported in
 * {@link AppendFailure}, and a fragment of a line it left at the end of the file is cut off
 * again, so that the file holds whole lines only.
 *
 * <p>Thread-safe: the writer thread and, when the queue overflows, callers append through it.
 */
public final class FileTransport {
    /** How often, at most, the path is looked at again: a rename or delete is noticed this soon. */
    public static final long CHECK_MILLIS = 20;
    private static final long CHECK_NANOS = CHECK_MILLIS * 1_000_000L;
    /** Rounds of waiting for other processes' appends in flight before a partial last line counts as torn. */
    private static final int PARTIAL_LINE_ROUNDS = 3;
    /** Lines read back from a deleted file are copied in pieces of whole lines of at most this size. */
    private static final int RECOVERY_CHUNK = 512 * 1024;
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
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
    /** Append-only, for the batches. */
    private FileChannel channel;
    /**
     * The same file opened for reading and writing (null when its owner made it write-only): the
     * last byte at open, a torn fragment cut off after a failed write, and the lines read back
     * from a deleted file.
     */
    private FileChannel reader;
    private Object openedFileKey;
    private long lastCheckNanos;
    /** The file's size just before the last look found it still at the path. */
    private long sizeAtCheck;
    private boolean startWithNewline;
    /** A deleted file whose lines from {@link #orphanFrom} on are still to be copied to the new file. */
    private FileChannel orphan;
    private long orphanFrom;
    private LongConsumer linesLost = lines -> { };

    public FileTransport(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * Where to report lines that were counted as written but did not stay in the file: lines
     * written to a file that was deleted and that could not be copied to a new one.
     */
    synchronized void onLinesLost(LongConsumer listener) {
        this.linesLost = Objects.requireNonNull(listener);
    }

    /**
     * Appends the batch (position to limit) in one write.
     *
     * @throws AppendFailure when the write failed after the file was opened: how many whole
     *         lines reached the file, and whether the disk is full
     * @throws IOException when the file cannot be opened; the message says why
     */
    public synchronized void append(ByteBuffer batch) throws IOException {
        ensureOpen();
        int start = batch.position();
        try {
            if (startWithNewline) {
                newline.clear();
                withNewline[0] = newline;
                withNewline[1] = batch;
                try {
                    while (batch.hasRemaining()) {
                        channel.write(withNewline);
                    }
                } finally {
                    withNewline[1] = null;
                }
                startWithNewline = false;
            } else {
                while (batch.hasRemaining()) {
                    channel.write(batch);
                }
            }
        } catch (IOException e) {
            throw failed(e, batch, start);
        }
    }

    /**
     * A write failed, perhaps after writing part of the batch (a full disk writes what fits):
     * the lines written whole are reported, and a fragment of a line left at the end of the file
     * is cut off when it is still the file's last bytes (nobody appended after it), so that
     * readers never see a torn line. The file is reopened at the next append.
     */
    private AppendFailure failed(IOException cause, ByteBuffer batch, int start) {
        int end = batch.position();
        int lineEnd = end;
        while (lineEnd > start && batch.get(lineEnd - 1) != '\n') {
            lineEnd--;
        }
        int wholeLines = 0;
        for (int i = start; i < lineEnd; i++) {
            if (batch.get(i) == '\n') {
                wholeLines++;
            }
        }
        if (end > lineEnd) {
            // An interrupt that cut the write short left the thread's flag set, which would make
            // every channel call of the cut-off close its channel at once: cleared meanwhile.
            boolean interrupted = Thread.interrupted();
            try {
                cutOff(batch, lineEnd, end);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        closeQuietly();
        return new AppendFailure(cause, wholeLines, isDiskFull(cause));
    }

    /** Truncates the file back by the fragment {@code batch[from, to)} if the file still ends in exactly it. */
    private void cutOff(ByteBuffer batch, int from, int to) {
        if (reader == null) {
            return; // reopening finds the partial line and starts the next batch on a line of its own
        }
        int length = to - from;
        try {
            long size = reader.size();
            if (size < length) {
                return;
            }
            ByteBuffer tail = ByteBuffer.allocate(length);
            while (tail.hasRemaining() && reader.read(tail, size - length + tail.position()) > 0) {
                // read on
            }
            if (tail.hasRemaining()) {
                return;
            }
            for (int i = 0; i < length; i++) {
                if (tail.get(i) != batch.get(from + i)) {
                    return; // someone appended since: their bytes are not ours to cut
                }
            }
            reader.truncate(size - length);
        } catch (IOException | RuntimeException e) {
            // left as it is: reopening finds the partial line and repairs it
        }
    }

    /** ENOSPC or EDQUOT, by the JDK's message (strerror), or a file store with no room left. */
    private boolean isDiskFull(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || message.contains("quota")) {
            return true;
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            return parent != null && Files.getFileStore(parent).getUsableSpace() == 0;
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    private void ensureOpen() throws IOException {
        if (channel != null) {
            long now = System.nanoTime();
            if (now - lastCheckNanos < CHECK_NANOS) {
                return;
            }
            // The size before the look: lines appended after it may have gone to a deleted file
            // (a look that finds the file in place proves that everything before was appended
            // while it still had a name).
            long size = channel.size();
            Object key = fileKeyOrNull();
            lastCheckNanos = now;
            if (key != null && key.equals(openedFileKey)) {
                sizeAtCheck = size;
                return;
            }
            // Renamed (logrotate), deleted or replaced: appending to the old file would put every
            // line from now on where no reader looks, so follow the path. What went into a
            // deleted file since the last look is read back and copied to the new one.
            retireOpenFile();
        }
        open();
        lastCheckNanos = System.nanoTime();
        sizeAtCheck = 0;
        copyOrphanedLines();
    }

    /** Closes the file that left the path, keeping a deleted one readable for its last lines. */
    private void retireOpenFile() {
        if (reader != null && orphan == null && Boolean.FALSE.equals(hasName())) {
            orphan = reader;
            orphanFrom = sizeAtCheck;
            reader = null;
        }
        closeQuietly();
    }

    /**
     * Whether the open file still has a name (a renamed file has; a deleted one has none): its
     * link count, through {@code /proc/self/fd} (Linux), since no JDK call reads the attributes
     * of an open channel. Null when it cannot be told.
     */
    private Boolean hasName() {
        Path fd = openFdPath();
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

    /**
     * A {@code /proc/self/fd/N} that leads to the open file (compared by device and inode, which
     * the link's target shares with the path when it was opened), or null. Used only when the
     * file left its path or a partial last line is seen at open: it lists the process's file
     * descriptors.
     */
    private Path openFdPath() {
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
     * Copies the lines a deleted file received after the last look that found it in place, from
     * the open file to the new one, whole lines at a time (several processes may share the new
     * file). Lines that cannot be copied are reported lost; they were counted as written.
     */
    private void copyOrphanedLines() {
        FileChannel from = orphan;
        if (from == null) {
            return;
        }
        orphan = null;
        long position = orphanFrom;
        try (from) {
            long end = from.size();
            if (end < position) {
                position = 0; // truncated since the look: all it holds came after it
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(RECOVERY_CHUNK, Math.max(1, end - position)));
            while (position < end) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), end - position));
                while (chunk.hasRemaining() && from.read(chunk, position + chunk.position()) > 0) {
                    // read on
                }
                int lineEnd = chunk.position();
                while (lineEnd > 0 && chunk.get(lineEnd - 1) != '\n') {
                    lineEnd--;
                }
                if (lineEnd == 0) {
                    break; // a partial last line (its writer died mid-line): not a line to copy
                }
                chunk.flip().limit(lineEnd);
                try {
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                } catch (IOException e) {
                    position += chunk.position();
                    throw e;
                }
                position += lineEnd;
            }
        } catch (IOException | RuntimeException e) {
            linesLost.accept(countLines(from, position));
        }
    }

    /** The complete lines of {@code file} from {@code position} to its end (0 when it cannot be read). */
    private static long countLines(FileChannel file, long position) {
        long lines = 0;
        try (FileChannel c = file.isOpen() ? file : null) {
            if (c == null) {
                return 0;
            }
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long end = c.size();
            while (position < end) {
                chunk.clear();
                int n = c.read(chunk, position);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (chunk.get(i) == '\n') {
                        lines++;
                    }
                }
                position += n;
            }
        } catch (IOException | RuntimeException e) {
            // what was counted so far
        }
        return lines;
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
        FileChannel r = null;
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
                    r = FileChannel.open(path, READ_OPTIONS);
                } catch (AccessDeniedException writeOnly) {
                    r = null; // a file its owner made write-only: appended to, not read
                }
                try {
                    c = FileChannel.open(path, APPEND_OPTIONS);
                } catch (IOException | RuntimeException e) {
                    if (r != null) {
                        r.close();
                    }
                    throw e;
                }
            }
        }
        try {
            openedFileKey = fileKeyOrNull();
            if (checkedKey != null && !checkedKey.equals(openedFileKey)) {
                throw new IOException("refusing to write events to " + path
                        + ": it was replaced while being opened; it is checked again at the next write");
            }
            if (r == null && checkedKey == null) {
                // Created here: a reader for cutting back a torn fragment and for reading back
                // lines should the file be deleted.
                r = readerOfCreatedFile();
            }
            startWithNewline = checkedKey != null && r != null && endsInPartialLine(r);
            channel = c;
            reader = r;
        } catch (IOException | RuntimeException e) {
            c.close();
            if (r != null) {
                r.close();
            }
            throw e;
        }
    }

    /** The file just created, opened again for reading, or null (it is appended to all the same). */
    private FileChannel readerOfCreatedFile() {
        FileChannel r = null;
        try {
            r = FileChannel.open(path, READ_OPTIONS);
            if (openedFileKey != null && openedFileKey.equals(fileKeyOrNull())) {
                return r;
            }
        } catch (IOException | RuntimeException e) {
            // no reader: a torn fragment is repaired at reopening instead, a deleted file's last lines are lost
        }
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // never written through
            }
        }
        return null;
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
     * Whether the file ends in a partial line (a writer that died mid-line), to be ended before
     * the next batch. A file this transport has just created is not looked at: it was empty, and
     * whoever else appends to it writes whole lines.
     *
     * <p>Another process's append may be under way: the kernel makes a write visible page by
     * page, so a reader can see its first bytes before its last, and on a busy machine that
     * writer can be preempted for milliseconds mid-write. Ending such a line would put an empty
     * line after it. So a partial last line counts as torn only when it is still there after
     * waiting for the appends in flight: changing the file's owner to its owner takes the inode
     * lock that every local Linux file system holds across a write, so it returns only once the
     * writes under way are complete. Where that cannot be done, the file must stop growing for
     * a while instead.
     */
    private boolean endsInPartialLine(FileChannel r) throws IOException {
        Path fd = null;
        for (int round = 0; ; round++) {
            long size = r.size();
            if (size == 0 || lastByte(r, size) == '\n') {
                return false;
            }
            if (round == PARTIAL_LINE_ROUNDS) {
                return true;
            }
            if (fd == null) {
                fd = openFdPath();
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

    public synchronized void close() {
        closeQuietly();
        FileChannel deleted = orphan;
        if (deleted != null) {
            // The path never took a new file: the lines the deleted one received are lost.
            orphan = null;
            linesLost.accept(countLines(deleted, orphanFrom));
        }
    }

    private void closeQuietly() {
        FileChannel c = channel;
        FileChannel r = reader;
        channel = null;
        reader = null;
        closeQuietly(c);
        closeQuietly(r);
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing buffered in a FileChannel: closing cannot lose lines
            }
        }
    }

    /**
     * A write that failed after the file was opened, with how much of the batch reached the file:
     * the lines written whole (counted as written), and whether the disk is full.
     */
    static final class AppendFailure extends IOException {
        private static final long serialVersionUID = 1L;
        private final int wholeLinesWritten;
        private final boolean diskFull;

        AppendFailure(IOException cause, int wholeLinesWritten, boolean diskFull) {
            super(cause.getMessage(), cause);
            this.wholeLinesWritten = wholeLinesWritten;
            this.diskFull = diskFull;
        }

        int wholeLinesWritten() {
            return wholeLinesWritten;
        }

        boolean diskFull() {
            return diskFull;
        }

        /** The failed write's own exception, for messages: its class and message. */
        IOException failure() {
            return (IOException) getCause();
        }
    }
}
