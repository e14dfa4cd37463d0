package dev.foxml.training.events.core.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The lines a deleted event file received after the last look that found it in place: the file
 * is kept open for reading when it leaves its path without a name, and its last lines are copied
 * to the new file at the path, whole lines at a time (several processes may share the new file).
 * Lines that cannot be copied are reported lost; they were counted as written.
 *
 * <p>Not thread-safe: {@link FileTransport} calls it under its lock.
 */
final class DeletedFileRecovery {
    /** Lines read back from a deleted file are copied in pieces of whole lines of at most this size. */
    private static final int CHUNK = 512 * 1024;

    /** A deleted file whose lines from {@link #from} on are still to be copied to the new file. */
    private FileChannel orphan;
    private long from;
    private LongConsumer linesLost = NOBODY;

    /**
     * The listener until one is set. Not a lambda: this is made in {@code TrainingEvents.init},
     * where a lambda's first use costs a class spun at run time.
     */
    private static final LongConsumer NOBODY = new LongConsumer() {
        @Override
        public void accept(long lines) {
            // nobody to tell
        }
    };

    void onLinesLost(LongConsumer listener) {
        this.linesLost = Objects.requireNonNull(listener);
    }

    /**
     * Keeps {@code reader} for its last lines when its file was deleted (it has no name any
     * more) and no other deleted file is waiting.
     *
     * @param sizeAtCheck the file's size at the last look that found it at its path: what came
     *     after may have gone to the deleted file
     * @return whether the reader was kept (it is closed here later); if not, the caller closes it
     */
    boolean adoptIfDeleted(FileChannel reader, long sizeAtCheck, Object openedFileKey) {
        if (orphan == null && Boolean.FALSE.equals(ProcSelfFd.hasName(openedFileKey))) {
            orphan = reader;
            from = sizeAtCheck;
            return true;
        }
        return false;
    }

    /** Copies the deleted file's last whole lines to {@code channel}, the file now at the path. */
    void copyTo(FileChannel channel) {
        FileChannel deleted = orphan;
        if (deleted == null) {
            return;
        }
        orphan = null;
        long position = from;
        try (deleted) {
            long end = deleted.size();
            if (end < position) {
                position = 0; // truncated since the look: all it holds came after it
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, end - position)));
            while (position < end) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), end - position));
                while (chunk.hasRemaining() && deleted.read(chunk, position + chunk.position()) > 0) {
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
            linesLost.accept(countLines(deleted, position));
        }
    }

    /** The path never took a new file (the transport closes): the lines the deleted one received are lost. */
    void close() {
        FileChannel deleted = orphan;
        if (deleted != null) {
            orphan = null;
            linesLost.accept(countLines(deleted, from));
        }
    }

    /** The complete lines of {@code file} from {@code position} to its end (0 when it cannot be read); closes it. */
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
}
