package dev.foxml.training.events.core.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * One way whole JSON lines leave the process: the bridge's Unix socket, the event file, or a
 * message broker. Each line already carries its {@code seq} and {@code emitter_id}, so a
 * transport moves bytes only, and a reader tells a line delivered twice by those fields.
 *
 * <p>The emitter drives a transport from one thread at a time (its writer thread, or the
 * caller's thread under the emitter's lock in synchronous mode): implementations need not be
 * thread-safe. As a primary, it is composed with a fallback (the event file): when
 * {@link #open()} or {@link #write} throws, or {@link #checkHealth} reports a failure, the
 * transport is closed, the batch in hand and the lines of {@link #takeUnconfirmed} go to the
 * fallback, and {@link #open()} is called again after a backoff that doubles up to the
 * configured longest.
 *
 * <p>The message of an {@link IOException} thrown by {@link #open()}, {@link #write} or
 * {@link #checkHealth} is the reason in a log line: it names the destination, never a secret
 * (credentials, tokens) and never event content.
 *
 * <p>A thread interrupt must not break delivery: a method whose channel an interrupt closed
 * throws {@link java.nio.channels.ClosedByInterruptException} (or an exception caused by one),
 * and the caller opens the transport again at once and repeats the whole batch.
 */
public interface Transport {
    /**
     * Names the destination for log lines, such as {@code "the socket /run/bridge.sock"}; never
     * a secret.
     *
     * @return the destination with its article, to follow "events go to"
     */
    String describe();

    /**
     * Returns whether the transport is open, that is whether {@link #write} may be tried.
     *
     * @return whether the transport is open
     */
    boolean isOpen();

    /**
     * Says whether an attempt to open is worth making now: a cheap check that needs no backoff
     * when it fails (the socket: whether its file exists). When it returns false the attempt is
     * skipped and tried again after the shortest backoff, and no failure is counted.
     *
     * @return whether {@link #open()} is worth calling now (true unless the transport knows better)
     */
    default boolean worthOpening() {
        return true;
    }

    /**
     * Opens the transport (connects). Called again after a failure, with backoff; an open
     * transport is closed first.
     *
     * @throws IOException when it cannot be opened; the message is the log line's reason
     */
    void open() throws IOException;

    /**
     * Writes whole lines, all or nothing: returns only when the transport took every line from
     * the buffer's position to its limit; otherwise throws, and the whole batch is then written
     * to the fallback (lines that may have arrived all the same are duplicates with the same
     * {@code seq}). On a throw, the buffer's position tells how far the transport got. Bounded
     * in time: a destination that does not take the lines within the transport's timeout is a
     * failure, never a hung trainer.
     *
     * @param wholeLines the bytes of whole lines, each ended by {@code '\n'}, from position to limit
     * @param lineCount how many lines {@code wholeLines} holds
     * @throws IOException when the lines could not all be written; the message is the log line's reason
     */
    void write(ByteBuffer wholeLines, int lineCount) throws IOException;

    /**
     * Returns whether {@link #write} cleared the calling thread's interrupt flag (to wait without
     * being woken at once) since the last call, and forgets it; the caller sets the flag again.
     *
     * @return whether an interrupt was cleared and must be restored
     */
    default boolean takeClearedInterrupt() {
        return false;
    }

    /**
     * After a failure, hands over the lines this transport took earlier but cannot vouch for:
     * the socket's recently sent lines that a reader which died may never have read; a broker's
     * records whose sends failed after {@link #write} returned. They are written to the fallback
     * (counted as replayed), so that a failure leaves possible duplicates, never a silent gap.
     * Called once the transport is closed; afterwards it holds none.
     *
     * @param out where to write the lines, whole and oldest first, each ended by {@code '\n'}
     * @return how many lines were written to {@code out}
     * @throws IOException only when {@code out} throws
     */
    int takeUnconfirmed(OutputStream out) throws IOException;

    /**
     * Looks for a failure while there is nothing to write (called by an idle writer, often): a
     * reader that closed the socket, sends that failed afterwards. Must be cheap; a transport
     * whose check costs something runs it at most every so often.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @throws IOException when the transport has failed; the message is the log line's reason
     */
    void checkHealth(long nowNanos) throws IOException;

    /**
     * Names what is happening while opening, for a debug log line, such as
     * {@code "connecting to the event socket /run/bridge.sock"}.
     *
     * @return the attempt to open, in words
     */
    default String describeOpening() {
        return "opening " + describe();
    }

    /**
     * Says, for the log line written when the transport opens after being unavailable, that it
     * is there again and takes the events, such as {@code "a bridge listens at /run/bridge.sock:
     * events go to the socket"}.
     *
     * @return that the destination is back and takes the events, in words
     */
    default String describeBack() {
        return describe() + " is back: events go to it";
    }

    /**
     * Says, for the log line written when the first events go to the fallback, why the transport
     * was not there, such as {@code "no bridge listening at /run/bridge.sock"}.
     *
     * @return that the destination is not available, in words
     */
    default String describeAbsent() {
        return describe() + " is not available";
    }

    /**
     * Says whether lines this transport took may still be unconfirmed after a clean
     * {@link #close()} (a broker's producer that could not get every record acknowledged in
     * time). When it does, the emitter's final close writes the lines of {@link #takeUnconfirmed}
     * to the fallback after closing it (counted as replayed), so that closing loses nothing.
     *
     * @return whether to take unconfirmed lines after the final close (false unless the transport knows better)
     */
    default boolean unconfirmedAfterClose() {
        return false;
    }

    /** Closes the transport; never throws. Lines it has not taken yet are the caller's. */
    void close();
}
