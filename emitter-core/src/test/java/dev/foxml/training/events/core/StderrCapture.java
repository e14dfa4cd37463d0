package dev.foxml.training.events.core;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is written to {@code System.err} (where slf4j-simple writes the emitter's
 * warnings, looking the stream up at each call) while it is open, passing it through unless
 * told to keep it. Test classes run one after another in one JVM, so swapping the stream is
 * safe here.
 */
public final class StderrCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    /** Captures stderr and passes it through. */
    public StderrCapture() {
        this(true);
    }

    /** Captures stderr, passing it through if {@code passThrough}. */
    public StderrCapture(boolean passThrough) {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                if (passThrough) {
                    original.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                if (passThrough) {
                    original.write(b, off, len);
                }
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** What was written to stderr since it was captured. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
