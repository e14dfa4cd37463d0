package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.spi.Transport;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * The transport that takes what the primary does not: the event file. Beyond a
 * {@link Transport}, it opens itself on the first write (no backoff: every batch tries it), says
 * how much of a batch it wrote when a write fails part way ({@link AppendFailure}: whole lines
 * written, a full disk), and reports lines it took that were lost afterwards (a file deleted
 * before its last lines could be copied to a new one).
 */
interface Fallback extends Transport {
    /**
     * Returns the file's path, for log lines.
     *
     * @return the file's path
     */
    Path path();

    /**
     * Writes whole lines from the buffer's position on, opening the file if need be.
     *
     * @throws AppendFailure when the write failed after the file was opened: how many whole
     *     lines reached the file, and whether the disk is full
     * @throws java.io.IOException when the file cannot be opened; the message says why
     */
    @Override
    void write(java.nio.ByteBuffer wholeLines, int lineCount) throws java.io.IOException;

    /**
     * Where to report lines that were counted as written but did not stay: lines written to a
     * file that was deleted and that could not be copied to a new one.
     *
     * @param listener called with the number of lines lost
     */
    void onLinesLost(LongConsumer listener);
}
