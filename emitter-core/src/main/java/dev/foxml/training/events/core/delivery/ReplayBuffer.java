package dev.foxml.training.events.core.delivery;

import java.nio.ByteBuffer;

/**
 * The most recent bytes sent to the socket. A reader that dies (or stalls) may never have read
 * what the kernel already accepted from us, so when the socket fails these lines are written to
 * the file as well: possible duplicates, told apart by their {@code seq}, instead of a silent gap.
 * The capacity is at least the socket's send buffer, the most the kernel can hold unread.
 */
public final class ReplayBuffer {
    private final byte[] ring;
    private long written;

    public ReplayBuffer(int capacity) {
        ring = new byte[capacity];
    }

    int capacity() {
        return ring.length;
    }

    /** Remembers bytes {@code [from, to)} of {@code batch} (absolute positions; the buffer is not moved). */
    void record(ByteBuffer batch, int from, int to) {
        int len = to - from;
        if (len >= ring.length) {
            from = to - ring.length;
            len = ring.length;
        }
        int at = (int) (written % ring.length);
        int first = Math.min(len, ring.length - at);
        batch.get(from, ring, at, first);
        if (first < len) {
            batch.get(from + first, ring, 0, len - first);
        }
        written += len;
    }

    /**
     * Copies the remembered whole lines, oldest first, into {@code out} and forgets them. A line
     * whose start has been overwritten is left out: it was sent longer ago than the kernel can hold.
     *
     * @return the number of lines copied
     */
    int drainTo(BatchBuffer out) {
        int len = (int) Math.min(written, ring.length);
        int start = (int) ((written - len) % ring.length);
        int skip = 0;
        if (written > ring.length) {
            // The oldest bytes may be the tail of a line; start after the first newline.
            while (skip < len && ring[(start + skip) % ring.length] != '\n') {
                skip++;
            }
            skip++;
        }
        int lines = 0;
        for (int i = skip; i < len; i++) {
            byte b = ring[(start + i) % ring.length];
            out.write(b);
            if (b == '\n') {
                lines++;
                out.lineEnded();
            }
        }
        written = 0;
        return lines;
    }
}
