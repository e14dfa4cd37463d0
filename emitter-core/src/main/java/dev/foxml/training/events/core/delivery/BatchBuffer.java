package dev.foxml.training.events.core.delivery;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of whole lines waiting to be written in one system call. Lines are built in a heap
 * array (an encoder writes straight into it, see {@link #array()}); {@link #flipForWrite()}
 * copies the batch into a direct buffer in one piece, so that socket and file channels write it
 * without copying it into a temporary one. Both grow (rarely) when a batch holds a line longer
 * than what is left.
 */
public final class BatchBuffer extends OutputStream {
    private byte[] bytes;
    private int size;
    private ByteBuffer direct;
    private int lines;
    /** The lines are in {@link #direct} already, put there by {@link #takeLinesOf}. */
    private boolean prepared;

    public BatchBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
        direct = ByteBuffer.allocateDirect(initialCapacity);
    }

    @Override
    public void write(int b) {
        ensure(size, 1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int off, int len) {
        ensure(size, len);
        System.arraycopy(source, off, bytes, size, len);
        size += len;
    }

    /**
     * The array the batch is built in. An encoder writes a line past {@link #size()} and then
     * {@link #ended ends} it; it calls {@link #ensure} before writing and takes the array again
     * after, as a larger batch moves to a new array.
     *
     * @return the array the batch is built in
     */
    public byte[] array() {
        return bytes;
    }

    /**
     * Makes room for {@code more} bytes after the first {@code used} (the batch and the line being
     * built past it), keeping those.
     *
     * @param used bytes in use, from the start of the array
     * @param more bytes to be written after them
     * @return the array, a new one when it grew
     */
    public byte[] ensure(int used, int more) {
        if (used + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + more));
        }
        return bytes;
    }

    public int size() {
        return size;
    }

    public int lines() {
        return lines;
    }

    public void lineEnded() {
        lines++;
    }

    /**
     * Ends a line an encoder built in {@link #array()}: the batch now ends at {@code end}.
     *
     * @param end where the line ends (after its newline)
     */
    public void ended(int end) {
        size = end;
        lines++;
    }

    /** Forgets what was written since {@code position} (a line whose encoding failed). */
    public void truncate(int position) {
        size = position;
    }

    /**
     * The batch's lines, in a direct buffer at position 0 with its limit at the end of the last
     * line. Until {@link #clear()}, nothing may be encoded into the batch;
     * {@link ByteBuffer#rewind()} starts the same bytes over (for the file, after a socket took
     * only part of them).
     *
     * @return the batch's lines, ready to write
     */
    public ByteBuffer flipForWrite() {
        if (prepared) {
            return direct.rewind();
        }
        if (direct.capacity() < size) {
            direct = ByteBuffer.allocateDirect(Math.max(size, direct.capacity() * 2));
        }
        direct.clear();
        direct.put(bytes, 0, size);
        return direct.flip();
    }

    /**
     * Takes {@code other}'s lines, ready to write, and leaves it empty: they are copied into
     * {@code other}'s direct buffer on the calling thread, and the two swap direct buffers. So a
     * thread that writes this batch never reads the array the caller builds its next lines in,
     * whose cache lines would otherwise move to that thread's CPU and back for every batch
     * (measured: a burst to a file then drained at half the speed in some runs). This buffer's
     * own lines are dropped.
     *
     * @param other a batch whose lines move here
     */
    public void takeLinesOf(BatchBuffer other) {
        other.flipForWrite();
        ByteBuffer myDirect = direct;
        direct = other.direct;
        other.direct = myDirect;
        size = other.size;
        lines = other.lines;
        prepared = true;
        other.clear();
    }

    public void clear() {
        size = 0;
        lines = 0;
        prepared = false;
    }
}
