package dev.foxml.training.examples.monitor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into UTF-8 lines at {@code \n} (dropping a {@code \r} before it), keeping
 * a partial last line until the rest arrives. A line longer than the limit is passed on cut to
 * the limit (so it counts as one unparseable line) and the rest of it skipped, which bounds the
 * memory a misbehaving writer can take.
 */
final class LineSplitter {

    private final int maxLineBytes;
    private final Consumer<String> lines;
    private byte[] buffer = new byte[8192];
    private int length;
    private boolean overlong;

    LineSplitter(int maxLineBytes, Consumer<String> lines) {
        this.maxLineBytes = maxLineBytes;
        this.lines = lines;
    }

    void feed(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit();
            } else if (length < maxLineBytes) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(maxLineBytes, buffer.length * 2));
                }
                buffer[length++] = b;
            } else {
                overlong = true;
            }
        }
    }

    /** Passes on a partial last line, as when its writer is gone for good. */
    void finish() {
        if (length > 0 || overlong) {
            emit();
        }
    }

    /** Forgets a partial line, as when the file it came from was replaced. */
    void reset() {
        length = 0;
        overlong = false;
    }

    private void emit() {
        int end = length > 0 && buffer[length - 1] == '\r' && !overlong ? length - 1 : length;
        String line = new String(buffer, 0, end, StandardCharsets.UTF_8);
        reset();
        lines.accept(line);
    }
}
