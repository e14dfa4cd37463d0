package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.FailoverDelivery;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

import dev.foxml.training.events.EmitterStats;

import java.nio.file.Path;

/**
 * Delivers lines that are already encoded, the way an emitter delivers its own: to the bridge's
 * Unix socket, falling back to the event file, with the same reconnect backoff, the same replay of
 * recently sent lines to the file when the socket fails, and the same file hardening. For programs
 * that forward lines written elsewhere (such as a relay that consumes them from a message broker),
 * so that the bridge cannot tell them from a local trainer's.
 *
 * <p>Lines are collected with {@link #add(byte[], int, int)} and written together by
 * {@link #flush()}, in one write to the socket or one append to the file.
 *
 * <p>Not thread-safe: one thread adds, flushes and closes.
 */
public final class LineDelivery implements AutoCloseable {
    private final Counters counters = new Counters();
    private final FailoverDelivery delivery;
    private final BatchBuffer batch = new BatchBuffer(256 * 1024);
    private final Path socketPath;
    private final Path filePath;

    private LineDelivery(EmitterConfig config) {
        RateLimitedLog log = new RateLimitedLog(config.warningInterval().toNanos()).named(LogOutput.DELIVERY);
        // Always the bridge: a relay's lines came from another transport and must not go back there.
        this.delivery = FailoverDelivery.toBridge(config, counters, log);
        this.socketPath = config.socketPath();
        this.filePath = config.filePath();
    }

    /**
     * Opens a delivery configured like an emitter: the socket, file, mode ({@code journal}),
     * write timeout, reconnect backoff, replay size and warning interval of {@code settings},
     * resolved from the builder, system properties, environment and defaults as for an emitter.
     * Event settings (queue, heartbeat, run start, ...) are ignored.
     *
     * @param settings the emitter settings to deliver with, e.g. {@code DefaultTrainingEventEmitter.builder("relay")}
     * @return a delivery that has not yet connected (it connects on the first flush)
     * @throws IllegalArgumentException when a setting is unusable; the message names it and the fix
     */
    public static LineDelivery open(TrainingEventEmitterBuilder settings) {
        return new LineDelivery(settings.config());
    }

    /**
     * Returns the bridge's socket this delivery writes to.
     *
     * @return the bridge's socket this delivery writes to
     */
    public Path socketPath() {
        return socketPath;
    }

    /**
     * Returns the event file this delivery falls back to.
     *
     * @return the event file this delivery falls back to
     */
    public Path filePath() {
        return filePath;
    }

    /**
     * Adds one line to the next {@link #flush()}. The line must be one complete JSON object
     * without a newline; the newline is added here.
     *
     * @param line the buffer holding the line's UTF-8 bytes
     * @param offset where the line starts in {@code line}
     * @param length the line's length in bytes, without a newline
     */
    public void add(byte[] line, int offset, int length) {
        batch.write(line, offset, length);
        batch.write('\n');
        batch.lineEnded();
    }

    /**
     * Returns the lines added since the last {@link #flush()}.
     *
     * @return the lines added since the last {@link #flush()}
     */
    public int pendingLines() {
        return batch.lines();
    }

    /**
     * Writes the added lines: to the socket when it is connected (or can be connected now), else
     * to the file; when the socket fails, the lines it may not have delivered go to the file too.
     * Never throws.
     *
     * @return how many of the flushed lines neither the socket nor the file took (0 when all were
     *     written); the caller still has them and may try again
     */
    public int flush() {
        int lines = batch.lines();
        if (lines == 0) {
            return 0;
        }
        long droppedBefore = counters.droppedUnwritable.get();
        long socketBefore = counters.writtenToSocket.get();
        long fileBefore = counters.writtenToFile.get();
        long replayedBefore = counters.replayed.get();
        try {
            delivery.deliver(batch);
        } finally {
            batch.clear();
        }
        long written = (counters.writtenToSocket.get() - socketBefore)
                + (counters.writtenToFile.get() - fileBefore) - (counters.replayed.get() - replayedBefore);
        long dropped = counters.droppedUnwritable.get() - droppedBefore;
        // Lines of earlier flushes replayed to a file that then failed are counted as dropped too:
        // only this flush's own lines are reported back.
        return written >= lines ? 0 : (int) Math.min(lines, Math.max(dropped, lines - written));
    }

    /**
     * Work to do while there is nothing to flush: reconnects to the socket when due, and notices
     * a bridge that went away, so that its unread lines reach the file now.
     */
    public void maintain() {
        delivery.maintain(System.nanoTime());
    }

    /**
     * Returns whether the socket is connected now (lines go to the bridge, not to the file).
     *
     * @return whether the socket is connected now (lines go to the bridge, not to the file)
     */
    public boolean socketConnected() {
        return delivery.primaryOpen();
    }

    /**
     * Returns lines written to the socket, to the file (including replays), replayed and lost so far.
     *
     * @return lines written to the socket, to the file (including replays), replayed and lost so far
     */
    public EmitterStats stats() {
        return counters.snapshot();
    }

    /** Closes the socket and the file; lines added but not flushed are discarded. */
    @Override
    public void close() {
        delivery.close();
    }
}
