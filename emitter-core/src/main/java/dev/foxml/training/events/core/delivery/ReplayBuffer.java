package dev.foxml.training.events.core.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The most recent bytes sent to the socket. A reader that dies (or stalls) may never have read
 * what the kernel already accepted from us, so when the socket fails these lines are written to
 * the file as well: possible duplicates, told apart by their {@code seq}, instead of a silent gap.
 * The capacity is at least the socket's send buffer, the most the kernel can hold unread.
 */
final class ReplayBuffer {
    private final byte[] ring;
    private long written;

    ReplayBuffer(int capacity) {
        ring = new byte[capacity];
    }

    int capacity() {
        return ring.length;
    }

    /** Remembers bytes {@code [from, to)} of {@code batch} (absolute positions; the buffer is not moved). */
    void record(ByteBuffer batch, int from, int to) {
        int len = to - from;
        boolean midLine = false;
        if (len > ring.length) {
            from = to - ring.length;
            len = ring.length;
            midLine = batch.get(from - 1) != '\n';
        }
        int at = (int) (written % ring.length);
        int first = Math.min(len, ring.length - at);
        batch.get(from, ring, at, first);
        if (first < len) {
            batch.get(from + first, ring, 0, len - first);
        }
        // A batch larger than the ring leaves only its tail; one that starts mid-line is counted as
        // more than the ring holds (the same place in it), so that draining skips that fragment.
        written += midLine ? len + ring.length : len;
    }

    /**
     * Writes the remembered whole lines, oldest first, to {@code out} and forgets them. A line
     * whose start has been overwritten is left out: it was sent longer ago than the kernel can hold.
     *
     * @return the number of lines written
     * @throws IOException only when {@code out} throws (the lines are forgotten all the same)
     */
    int drainTo(OutputStream out) throws IOException {
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
        written = 0;
        if (skip >= len) {
            return 0;
        }
        int from = (start + skip) % ring.length;
        int count = len - skip;
        int first = Math.min(count, ring.length - from);
        int lines = countNewlines(from, first) + countNewlines(0, count - first);
        out.write(ring, from, first);
        if (first < count) {
            out.write(ring, 0, count - first);
        }
        return lines;
    }

    private int countNewlines(int from, int length) {
        int n = 0;
        for (int i = from; i < from + length; i++) {
            if (ring[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
