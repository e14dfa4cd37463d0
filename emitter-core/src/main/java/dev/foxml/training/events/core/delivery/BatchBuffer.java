package dev.foxml.training.events.core.delivery;

import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The bytes of whole lines waiting to be written in one system call. A direct buffer, so that
 * socket and file channels write it without copying it into a temporary one; it grows (rarely)
 * when a batch holds a line longer than what is left.
 */
public final class BatchBuffer extends OutputStream {
    private ByteBuffer buffer;
    private int lines;

    public BatchBuffer(int initialCapacity) {
        buffer = ByteBuffer.allocateDirect(initialCapacity);
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] bytes, int off, int len) {
        ensure(len);
        buffer.put(bytes, off, len);
    }

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            int needed = buffer.position() + more;
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(needed, buffer.capacity() * 2));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    public int size() {
        return buffer.position();
    }

    public int lines() {
        return lines;
    }

    public void lineEnded() {
        lines++;
    }

    /** Forgets what was written since {@code position} (a line whose encoding failed). */
    public void truncate(int position) {
        buffer.position(position);
    }

    /**
     * Turns the buffer around for writing: position 0, limit at the end of the last line. Until
     * {@link #clear()}, nothing may be encoded into it; {@link ByteBuffer#rewind()} starts the
     * same bytes over (for the file, after a socket took only part of them).
     */
    public ByteBuffer flipForWrite() {
        buffer.flip();
        return buffer;
    }

    public void clear() {
        buffer.clear();
        lines = 0;
    }
}
