package dev.foxml.training.events.core.delivery;

/**
 * Keeps a thread interrupt from breaking a delivery. In synchronous mode the caller's thread
 * delivers, and a trainer's thread gets interrupted (an executor's {@code shutdownNow}, a task
 * timeout or kill, a Ctrl-C handler). File channels and junixsocket's channels close themselves
 * when an interrupted thread uses them, and parks return at once for it; so a delivery clears the
 * flag for its I/O ({@link #begin}) and sets it again before returning ({@link #end}). An
 * interrupt that lands during a channel call all the same closes that channel: the call is
 * retried on a new one while {@link #retryAfterInterrupt} allows.
 */
final class InterruptGuard {
    private final long retryNanos;
    /** Whether this delivery cleared the interrupt flag of the delivering thread: set again at the end. */
    private boolean cleared;
    /** When this delivery stops retrying calls cut short by interrupts (0: none cut short yet). */
    private long retryUntil;

    /**
     * @param retryNanos how long calls cut short by interrupts are retried within one delivery:
     *     the write timeout, the longest a synchronous emit waits for the socket
     */
    InterruptGuard(long retryNanos) {
        this.retryNanos = retryNanos;
    }

    /** A delivery starts: the flag is cleared for its I/O. */
    void begin() {
        cleared = Thread.interrupted();
        retryUntil = 0;
    }

    /**
     * After an interrupt closed a channel mid-call: clears the flag (set again by {@link #end})
     * and says whether to retry. Retries go on for the retry time: each is quick, so only a
     * thread interrupted again and again all that time (thousands of times a second) runs out.
     */
    boolean retryAfterInterrupt() {
        if (Thread.interrupted()) {
            cleared = true;
        }
        long now = System.nanoTime();
        if (retryUntil == 0) {
            retryUntil = now + retryNanos;
        }
        return now - retryUntil < 0;
    }

    /**
     * The delivery ends: the flag is set again if it was cleared.
     *
     * @param clearedElsewhere whether a transport cleared the flag meanwhile (see
     *     {@link dev.foxml.training.events.core.spi.Transport#takeClearedInterrupt()})
     */
    void end(boolean clearedElsewhere) {
        if (cleared || clearedElsewhere) {
            cleared = false;
            Thread.currentThread().interrupt();
        }
    }
}
