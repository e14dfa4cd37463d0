package dev.foxml.training.events;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the API writes to standard error while a test runs: its warnings (it has no logger). */
final class StandardErr implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    StandardErr() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** The warnings written so far, one per element. */
    java.util.List<String> warnings() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("[foxml-training-events] WARNING"))
                .toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
