package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.util.function.LongConsumer;

/**
 * Appends to the fallback and accounts for every line: whole lines written are counted as written
 * to the file, the rest as dropped, a full disk is warned about once with what it costs and again
 * when it has room (with how many events were lost meanwhile), and lines lost in a deleted file
 * are moved from written to dropped.
 *
 * <p>Not thread-safe: used by {@link FailoverDelivery} only.
 */
final class FallbackWriter {
    private final Fallback fallback;
    private final Counters counters;
    private final RateLimitedLog log;
    private final InterruptGuard interrupts;
    /** Whether the last append failed because the fallback's disk is full. */
    private boolean diskFull;
    /** Events dropped while the disk was full, not yet reported in a warning. */
    private long lostToFullDisk;

    FallbackWriter(Fallback fallback, Counters counters, RateLimitedLog log, InterruptGuard interrupts) {
        this.fallback = fallback;
        this.counters = counters;
        this.log = log;
        this.interrupts = interrupts;
        // Not this::linesLostInDeletedFile: this is made in TrainingEvents.init, where a method
        // reference's first use costs a class spun at run time.
        fallback.onLinesLost(new LongConsumer() {
            @Override
            public void accept(long lines) {
                linesLostInDeletedFile(lines);
            }
        });
    }

    /**
     * Appends the lines to the fallback.
     *
     * @return how many of the lines the fallback took whole (counted as written); the caller
     *         counts the rest as dropped unless the primary took them. A failure is counted and warned about.
     */
    int append(ByteBuffer bytes, int lines) {
        int inFile = 0;
        while (true) {
            try {
                fallback.write(bytes, lines - inFile);
                counters.writtenToFile.addAndGet(lines - inFile);
                if (diskFull) {
                    diskFullOver();
                }
                return lines;
            } catch (AppendFailure e) {
                int written = e.wholeLinesWritten();
                counters.writtenToFile.addAndGet(written);
                inFile += written;
                IOException cause = e.failure();
                if (cause instanceof ClosedByInterruptException) {
                    // An interrupt during the write closed the file channel; the lines written
                    // whole are in the file (a fragment of one was cut off). The rest goes
                    // through a newly opened channel. The flag is cleared either way, so that
                    // the rest of this delivery closes no other channel.
                    boolean retry = interrupts.retryAfterInterrupt();
                    if (inFile == lines) {
                        return lines;
                    }
                    if (retry) {
                        bytes.position(lineStart(bytes, bytes.position()));
                        continue;
                    }
                }
                counters.fileErrors.incrementAndGet();
                if (e.diskFull()) {
                    if (!diskFull) {
                        diskFull = true;
                        log.warn("disk-full", "the disk holding " + fallback.path() + " is full ("
                                + LogOutput.cause(cause) + "): "
                                + (lines - inFile) + " training events of " + lines + " could not be written to it;"
                                + " until space is freed, events the socket does not take are dropped"
                                + " (counted in stats().droppedUnwritable()); the file keeps whole lines only");
                    }
                } else {
                    log.warn("file-failed", "cannot append training events to " + fallback.path() + " ("
                            + LogOutput.cause(cause) + ")");
                }
                return inFile;
            } catch (IOException | RuntimeException e) {
                if (e instanceof ClosedByInterruptException && interrupts.retryAfterInterrupt()) {
                    continue; // the file was being opened when an interrupt closed a channel: open it again
                }
                counters.fileErrors.incrementAndGet();
                log.warn("file-failed", "cannot append training events to " + fallback.path() + " ("
                        + LogOutput.cause(e) + ")");
                return inFile;
            }
        }
    }

    /** Lines neither the primary nor the fallback took: counted, and noted for the full-disk warning. */
    void dropped(int lines) {
        if (lines <= 0) {
            return;
        }
        counters.droppedUnwritable.addAndGet(lines);
        if (diskFull) {
            lostToFullDisk += lines;
        }
    }

    /** The fallback takes lines again after its disk was full: say how many events were lost meanwhile. */
    private void diskFullOver() {
        diskFull = false;
        if (lostToFullDisk > 0 && log.tryAcquire("disk-full-over")) {
            log.log("disk-full-over", "the disk holding " + fallback.path() + " has room again: "
                    + lostToFullDisk + " training events were lost while it was full"
                    + " (counted in stats().droppedUnwritable())");
            lostToFullDisk = 0;
        }
    }

    /**
     * Lines counted as written to a file that was deleted, which could not be copied to the new
     * file at its path: written, then lost, so counted as dropped instead.
     */
    private void linesLostInDeletedFile(long lines) {
        // The lines counted are all the complete lines the deleted file received since the last
        // look, other processes' too: never more than this emitter counted as written.
        lines = Math.min(lines, counters.writtenToFile.get());
        if (lines <= 0) {
            return;
        }
        counters.writtenToFile.addAndGet(-lines);
        counters.droppedUnwritable.addAndGet(lines);
        log.warn("file-deleted", lines + " training events written to " + fallback.path()
                + " shortly before it was deleted could not be copied to a new file there and were lost"
                + " (counted in stats().droppedUnwritable())");
    }

    /** Where the line that holds the byte before {@code position} starts: after the newline before it. */
    private static int lineStart(ByteBuffer bytes, int position) {
        for (int i = position - 1; i >= 0; i--) {
            if (bytes.get(i) == '\n') {
                return i + 1;
            }
        }
        return 0;
    }
}
