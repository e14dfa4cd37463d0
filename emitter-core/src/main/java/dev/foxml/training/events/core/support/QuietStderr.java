package dev.foxml.training.events.core.support;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Supplier;

/**
 * Runs a piece of third-party code with what it prints to {@code System.err} from the calling
 * thread discarded, while every other thread's output passes through unchanged. For
 * junixsocket, whose native library loader prints the whole stack trace of a failed load
 * ({@code Throwable.printStackTrace()}, 12 to 60 lines, with no switch to turn it off) into the
 * trainer's output; the emitter reports the reason itself, in one line.
 *
 * <p>{@code System.err} is swapped for the duration of the call only, and put back unless
 * someone else replaced it meanwhile (theirs is then left in place; the filter passes
 * everything through once the call is over).
 */
public final class QuietStderr {
    private QuietStderr() {
    }

    public static <T> T call(Supplier<T> body) {
        PrintStream original = System.err;
        Thread quiet = Thread.currentThread();
        boolean[] active = {true};
        OutputStream filter = new OutputStream() {
            private boolean discard() {
                return active[0] && Thread.currentThread() == quiet;
            }

            @Override
            public void write(int b) {
                if (!discard()) {
                    original.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (!discard()) {
                    original.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        PrintStream swapped = new PrintStream(filter, true, charsetOf(original));
        try {
            System.setErr(swapped);
        } catch (RuntimeException notAllowed) { // a security manager that forbids it
            return body.get();
        }
        try {
            return body.get();
        } finally {
            active[0] = false;
            if (System.err == swapped) {
                System.setErr(original);
            }
        }
    }

    /** The charset other threads' text is encoded in: the stream's own (Java 18+), else the JVM's. */
    private static Charset charsetOf(PrintStream stream) {
        try {
            return (Charset) PrintStream.class.getMethod("charset").invoke(stream);
        } catch (ReflectiveOperationException | RuntimeException beforeJava18) {
            String name = System.getProperty("sun.stderr.encoding");
            try {
                return name != null ? Charset.forName(name) : Charset.defaultCharset();
            } catch (RuntimeException unknown) {
                return Charset.defaultCharset();
            }
        }
    }
}
