package dev.foxml.training.events.core.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Appends batches of whole lines to the event file, the fallback, each batch in one append-mode
 * {@code write}, so that lines of several processes sharing the file never interleave. When the
 * file ends in a partial line (a writer that died mid-line; see {@link PartialLastLine}) the next
 * batch starts on a line of its own. The file is opened by {@link EventFileOpener}, which refuses
 * what an attacker may have put at the path first; an append that cannot open it fails (counted
 * and warned about by the caller).
 *
 * <p>The file may be renamed (logrotate's create mode), deleted (a {@code /tmp} cleaner, a
 * person) or truncated (logrotate's copytruncate) while open. Before a batch, when
 * {@value #CHECK_MILLIS} ms or more have passed since the last look, the path is looked at again
 * (one {@code stat}, about a microsecond, per batch at most every {@value #CHECK_MILLIS} ms, never
 * per event); when it names another file or none, the next batch goes to a new file at the path.
 * Lines written to a deleted file since the last look are copied to the new file first (see
 * {@link DeletedFileRecovery}), so none is lost in the deleted inode. Truncation needs nothing:
 * every write appends at the file's end as it is then.
 *
 * <p>When a write fails part way (a full disk), the lines it wrote whole are reported in
 * {@link AppendFailure}, and a fragment of a line it left at the end of the file is cut off
 * again, so that the file holds whole lines only.
 *
 * <p>Thread-safe: the writer thread and, when the queue overflows, callers append through it.
 */
public final class FileTransport implements Fallback {
    /** How often, at most, the path is looked at again: a rename or delete is noticed this soon. */
    public static final long CHECK_MILLIS = 20;
    private static final long CHECK_NANOS = CHECK_MILLIS * 1_000_000L;

    private final Path path;
    private final ByteBuffer newline = ByteBuffer.allocateDirect(1).put(0, (byte) '\n');
    private final ByteBuffer[] withNewline = new ByteBuffer[2];
    private final DeletedFileRecovery deleted = new DeletedFileRecovery();
    /** Append-only, for the batches. */
    private FileChannel channel;
    /** The same file opened for reading and writing, or null (see {@link EventFileOpener.Opened}). */
    private FileChannel reader;
    private Object openedFileKey;
    private long lastCheckNanos;
    /** The file's size just before the last look found it still at the path. */
    private long sizeAtCheck;
    private boolean startWithNewline;

    /**
     * A transport to the event file at {@code path}; nothing is opened until the first append.
     *
     * @param path the event file
     */
    public FileTransport(Path path) {
        this.path = path;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String describe() {
        return "the file " + path;
    }

    @Override
    public synchronized boolean isOpen() {
        return channel != null;
    }

    @Override
    public synchronized void onLinesLost(LongConsumer listener) {
        deleted.onLinesLost(listener);
    }

    /** Opens the file now (it is opened by the first append otherwise), or looks at its path again. */
    @Override
    public synchronized void open() throws IOException {
        ensureOpen();
    }

    @Override
    public void write(ByteBuffer wholeLines, int lineCount) throws IOException {
        append(wholeLines);
    }

    /**
     * Appends the batch (position to limit) in one write.
     *
     * @param batch the bytes of whole lines
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

    /** A file vouches for what it took: nothing is unconfirmed. */
    @Override
    public int takeUnconfirmed(OutputStream out) {
        return 0;
    }

    /** Nothing to look at while idle: the path is looked at before the next batch. */
    @Override
    public void checkHealth(long nowNanos) {
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
            Object key = EventFileOpener.fileKeyOrNull(path);
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
        EventFileOpener.Opened opened = EventFileOpener.open(path);
        channel = opened.channel();
        reader = opened.reader();
        openedFileKey = opened.fileKey();
        startWithNewline = opened.startWithNewline();
        lastCheckNanos = System.nanoTime();
        sizeAtCheck = 0;
        deleted.copyTo(channel);
    }

    /** Closes the file that left the path, keeping a deleted one readable for its last lines. */
    private void retireOpenFile() {
        if (reader != null && deleted.adoptIfDeleted(reader, sizeAtCheck, openedFileKey)) {
            reader = null;
        }
        closeQuietly();
    }

    @Override
    public synchronized void close() {
        closeQuietly();
        deleted.close();
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
}
