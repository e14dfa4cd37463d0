package dev.foxml.training.events.core.delivery;

import java.io.IOException;

/**
 * A write to the fallback that failed after part of the batch may have reached it: the lines
 * written whole (counted as written), and whether the disk is full (for the warning that says
 * how many events a full disk cost).
 */
final class AppendFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final int wholeLinesWritten;
    private final boolean diskFull;

    AppendFailure(IOException cause, int wholeLinesWritten, boolean diskFull) {
        super(cause.getMessage(), cause);
        this.wholeLinesWritten = wholeLinesWritten;
        this.diskFull = diskFull;
    }

    int wholeLinesWritten() {
        return wholeLinesWritten;
    }

    boolean diskFull() {
        return diskFull;
    }

    /** The failed write's own exception, for messages: its class and message. */
    IOException failure() {
        return (IOException) getCause();
    }
}
