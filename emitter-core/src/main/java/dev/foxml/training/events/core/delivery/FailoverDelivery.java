package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;

/**
 * Where a batch of lines goes: the primary (the bridge's socket, or a transport a
 * {@link dev.foxml.training.events.core.spi.TransportProvider} supplies) when it is open, the
 * fallback (the event file) when it is not, and both in journal mode. The shape of Log4j 2's
 * FailoverAppender: a primary, a fallback and a retry of the primary with backoff. When the
 * primary fails, the lines it took but cannot vouch for ({@link Transport#takeUnconfirmed}: for
 * the socket, what a reader that died may never have read) and the whole failed batch go to the
 * fallback, so a partly sent line still arrives whole.
 *
 * <p>Not thread-safe: driven by the writer thread (or under the emitter's lock in synchronous mode).
 *
 * <p>A thread interrupt does not break delivery (see {@link InterruptGuard}): a call that an
 * interrupt cut short is retried on a new channel, for the file from the first line not written
 * whole, for the primary with the whole batch.
 */
public final class FailoverDelivery implements Delivery {
    private final Transport primary;
    private final Fallback fallback;
    private final boolean journal;
    private final long reconnectMinNanos;
    private final long reconnectMaxNanos;
    private final Counters counters;
    private final RateLimitedLog log;
    private final InterruptGuard interrupts;
    private final RouteLog routes;
    private final FallbackWriter toFallback;
    private final BatchBuffer unconfirmed = new BatchBuffer(64 * 1024);
    private long nextOpenAttempt;
    private long backoffNanos;
    private boolean everOpened;

    /**
     * A failover from {@code primary} to {@code fallback}.
     *
     * @param journal whether every batch goes to the fallback too
     * @param interruptRetryNanos how long, within one delivery, calls cut short by interrupts are retried
     */
    FailoverDelivery(Transport primary, Fallback fallback, boolean journal, long reconnectMinNanos,
            long reconnectMaxNanos, long interruptRetryNanos, Counters counters, RateLimitedLog log) {
        this.primary = primary;
        this.fallback = fallback;
        this.journal = journal;
        this.reconnectMinNanos = reconnectMinNanos;
        this.reconnectMaxNanos = reconnectMaxNanos;
        this.backoffNanos = reconnectMinNanos;
        this.counters = counters;
        this.log = log;
        this.interrupts = new InterruptGuard(interruptRetryNanos);
        this.routes = new RouteLog(primary, fallback, journal, reconnectMaxNanos, log);
        this.toFallback = new FallbackWriter(fallback, counters, log, interrupts);
        this.nextOpenAttempt = System.nanoTime();
    }

    /**
     * Builds the delivery an emitter's settings ask for: the primary a
     * {@link dev.foxml.training.events.core.spi.TransportProvider} supplies for them, else the
     * bridge's socket; the event file as the fallback.
     *
     * @param config the emitter's settings
     * @param counters where deliveries, failures and losses are counted
     * @param log the delivery's log (where events go, failures)
     * @return a delivery that has not yet opened anything
     * @throws IllegalArgumentException when a provider finds its settings unusable; the message names the setting
     */
    public static FailoverDelivery forConfig(EmitterConfig config, Counters counters, RateLimitedLog log) {
        return forConfig(config, new FileTransport(config.filePath()), counters, log);
    }

    /**
     * As {@link #forConfig(EmitterConfig, Counters, RateLimitedLog)}, with the given event file
     * transport (a test's: a file it rotates or truncates itself).
     *
     * @param config the emitter's settings
     * @param file the fallback
     * @param counters where deliveries, failures and losses are counted
     * @param log the delivery's log (where events go, failures)
     * @return a delivery that has not yet opened anything
     */
    public static FailoverDelivery forConfig(EmitterConfig config, FileTransport file, Counters counters,
            RateLimitedLog log) {
        return of(config, PrimaryTransports.forConfig(config, log), file, counters, log);
    }

    /** A delivery over {@code primary} and {@code file} with {@code config}'s timings. */
    static FailoverDelivery of(EmitterConfig config, Transport primary, FileTransport file, Counters counters,
            RateLimitedLog log) {
        return new FailoverDelivery(primary, file, config.journal(), config.reconnectMin().toNanos(),
                config.reconnectMax().toNanos(), config.writeTimeout().toNanos(), counters, log);
    }

    /**
     * Builds a delivery to the bridge's socket whatever providers are present, the event file as
     * the fallback: for a relay that forwards lines it consumed from another transport, which
     * must not send them back there.
     *
     * @param config the delivery's settings
     * @param counters where deliveries, failures and losses are counted
     * @param log the delivery's log (where events go, failures)
     * @return a delivery that has not yet opened anything
     */
    public static FailoverDelivery toBridge(EmitterConfig config, Counters counters, RateLimitedLog log) {
        return new FailoverDelivery(PrimaryTransports.socket(config), new FileTransport(config.filePath()),
                config.journal(), config.reconnectMin().toNanos(), config.reconnectMax().toNanos(),
                config.writeTimeout().toNanos(), counters, log);
    }

    /**
     * Returns whether the primary is open now (lines go to it, not to the fallback).
     *
     * @return whether the primary is open now
     */
    public boolean primaryOpen() {
        return primary.isOpen();
    }

    @Override
    public boolean nextBatchToFile() {
        return journal || !primary.isOpen();
    }

    /**
     * Work to do while idle: reopen the primary when due, and notice one that failed while we had
     * nothing to send (so that its unconfirmed lines reach the fallback now, not at the next event).
     */
    @Override
    public void maintain(long now) {
        if (primary.isOpen()) {
            try {
                primary.checkHealth(now);
            } catch (IOException | RuntimeException e) {
                primaryFailed(reason(e, "checking " + primary.describe() + " failed"));
            }
        } else {
            maybeOpen();
        }
    }

    /**
     * Delivers the batch; never throws. Loss (neither primary nor fallback took it) is counted.
     * The delivering thread's interrupt flag is the same on return as on entry (or set, if it was
     * interrupted meanwhile), and no interrupt closes a channel for later batches.
     */
    @Override
    public void deliver(BatchBuffer batch) {
        interrupts.begin();
        try {
            deliverUninterrupted(batch);
        } finally {
            interrupts.end(primary.takeClearedInterrupt());
        }
    }

    private void deliverUninterrupted(BatchBuffer batch) {
        ByteBuffer bytes = batch.flipForWrite();
        int lines = batch.lines();
        int inFile = journal ? toFallback.append(bytes, lines) : 0;
        if (!primary.isOpen()) {
            maybeOpen();
        }
        if (primary.isOpen()) {
            bytes.rewind();
            if (writeToPrimary(bytes, lines)) {
                counters.writtenToSocket.addAndGet(lines);
                return;
            }
        }
        routes.toFallback();
        if (!journal) {
            bytes.rewind();
            inFile = toFallback.append(bytes, lines);
        }
        toFallback.dropped(lines - inFile);
    }

    /**
     * Returns whether the primary took all of {@code bytes}; if not, delivery has moved to the fallback.
     *
     * @return whether the primary took all of {@code bytes}; if not, delivery has moved to the fallback
     */
    private boolean writeToPrimary(ByteBuffer bytes, int lines) {
        while (true) {
            try {
                primary.write(bytes, lines);
                return true;
            } catch (IOException | RuntimeException e) {
                if (causedByInterrupt(e)) {
                    // The delivering thread was interrupted during the write, which closed the
                    // channel: not the reader's doing. The batch goes again, whole, over a new
                    // connection: junixsocket reports the bytes of the interrupted call as sent even
                    // when the close came first (and the descriptor may have been reused), so what
                    // the old connection took is not known for sure. What it did take the reader
                    // still reads (possible duplicates, with the same seq, counted as replayed).
                    int maybeTaken = linesBefore(bytes, bytes.position());
                    if (interrupts.retryAfterInterrupt() && reopenNow()) {
                        counters.replayed.addAndGet(maybeTaken);
                        bytes.rewind();
                        continue;
                    }
                }
                primaryFailed(reason(e, "writing to " + primary.describe() + " failed"));
                return false;
            }
        }
    }

    private static boolean causedByInterrupt(Exception e) {
        return e instanceof ClosedByInterruptException || e.getCause() instanceof ClosedByInterruptException;
    }

    /** The message of a transport's failure (its contract), or what was done and the cause when it has none. */
    private static String reason(Exception e, String doing) {
        String message = e.getMessage();
        return e instanceof IOException && message != null && !(e instanceof ClosedByInterruptException) ? message
                : doing + " (" + LogOutput.cause(e) + ")";
    }

    /** After an interrupt closed the connection: a new one at once, no backoff. */
    private boolean reopenNow() {
        primary.close();
        nextOpenAttempt = System.nanoTime();
        maybeOpen();
        return primary.isOpen();
    }

    private void maybeOpen() {
        long now = System.nanoTime();
        if (now - nextOpenAttempt < 0) {
            return;
        }
        if (!primary.worthOpening()) {
            // Nothing listens yet: cheap to look again soon, no backoff needed.
            nextOpenAttempt = now + reconnectMinNanos;
            routes.primaryAbsent();
            return;
        }
        boolean debug = log.debugEnabled();
        if (debug) {
            log.debug(primary.describeOpening());
        }
        try {
            open();
            backoffNanos = reconnectMinNanos;
            if (everOpened) {
                counters.reconnects.incrementAndGet();
            }
            everOpened = true;
            routes.toPrimary();
        } catch (IOException | RuntimeException e) {
            counters.socketErrors.incrementAndGet();
            retryLater(now);
            String failure = reason(e, "cannot open " + primary.describe());
            if (debug) {
                log.debug(failure + "; next attempt in " + Math.max(0, (nextOpenAttempt - now) / 1_000_000) + " ms");
            }
            routes.openFailed(failure, e instanceof OwnerCheck.NotOwnedException, now);
        }
    }

    /** Opens the primary, again at once when an interrupt of the delivering thread closed its channel meanwhile. */
    private void open() throws IOException {
        while (true) {
            try {
                primary.open();
                return;
            } catch (IOException e) {
                // Closed by an interrupt mid-connect: junixsocket says so, or a later call on the
                // closed channel fails while the flag (cleared by deliver()) is set again.
                boolean interrupted = causedByInterrupt(e) || Thread.currentThread().isInterrupted();
                if (!interrupted || !interrupts.retryAfterInterrupt()) {
                    throw e;
                }
            }
        }
    }

    /** The next attempt at the primary after the backoff, which doubles up to its longest. */
    private void retryLater(long now) {
        nextOpenAttempt = now + backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, reconnectMaxNanos);
    }

    /**
     * The primary broke or stalled: close it, write what it cannot vouch for to the fallback, and
     * retry it after the backoff. (The batch being written when it failed is then written to the
     * fallback whole by the caller, also the part the primary took.)
     */
    private void primaryFailed(String why) {
        primary.close();
        counters.socketErrors.incrementAndGet();
        retryLater(System.nanoTime());
        routes.primaryFailed(why);
        takeUnconfirmedToFallback();
    }

    /** Writes the lines the closed primary cannot vouch for to the fallback. */
    private void takeUnconfirmedToFallback() {
        unconfirmed.clear();
        int unconfirmedLines;
        try {
            unconfirmedLines = primary.takeUnconfirmed(unconfirmed);
        } catch (IOException | RuntimeException e) {
            unconfirmedLines = 0; // the batch buffer never throws; a transport's own failure loses nothing more here
        }
        if (unconfirmedLines > 0 && !journal) {
            counters.replayed.addAndGet(unconfirmedLines);
            // If the fallback cannot take them either, they may be lost: counted as dropped, though
            // the reader may have read some of them (an overcount, never a silent loss).
            toFallback.dropped(unconfirmedLines - toFallback.append(unconfirmed.flipForWrite(), unconfirmedLines));
        }
        unconfirmed.clear();
    }

    private static int linesBefore(ByteBuffer bytes, int position) {
        int n = 0;
        for (int i = 0; i < position; i++) {
            if (bytes.get(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** For a test that watches the repeats of an unchanged failure to open the primary. */
    void connectWarningRepeatNanos(long nanos) {
        routes.connectWarningRepeatNanos = nanos;
    }

    @Override
    public void close() {
        primary.close();
        if (primary.unconfirmedAfterClose()) {
            takeUnconfirmedToFallback();
        }
        fallback.close();
    }
}
