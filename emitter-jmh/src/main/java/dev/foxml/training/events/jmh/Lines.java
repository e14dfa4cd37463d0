package dev.foxml.training.events.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Counts newlines eight bytes at a time, so that checking every line costs the reader little. */
final class Lines {
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    private Lines() {
    }

    /** Newlines among bytes {@code [0, n)} of {@code buf} (absolute positions; the buffer is not moved). */
    static long count(ByteBuffer buf, int n) {
        long found = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = buf.getLong(i) ^ NEWLINES;
            // Exactly the bytes of x that are zero get their high bit set (no borrow between bytes).
            long y = ~(((x & LOW7) + LOW7) | x | LOW7);
            found += Long.bitCount(y);
        }
        for (; i < n; i++) {
            if (buf.get(i) == '\n') {
                found++;
            }
        }
        return found;
    }

    /** Newlines in a whole file. */
    static long count(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long found = 0;
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = c.read(buf)) >= 0) {
                found += count(buf, n);
                buf.clear();
            }
        }
        return found;
    }
}
