package dev.foxml.training.events.core.delivery;

/**
 * Where the writer hands its batches: it delivers them, does the delivery's housekeeping while
 * idle, and asks how long it may park. {@link FailoverDelivery#forConfig} builds the one in use.
 *
 * <p>Not thread-safe: one thread at a time (the writer thread, which in a burst to the file
 * hands batches to its second thread and waits for it before calling again itself, or callers
 * under the emitter's lock in synchronous mode).
 */
public interface Delivery {
    /**
     * Delivers the batch's lines; never throws. Lines no transport took are counted as dropped.
     * The calling thread's interrupt flag is the same on return as on entry (or set, if it was
     * interrupted meanwhile). The batch is left as it is: the caller clears it.
     *
     * @param batch the whole lines to deliver
     */
    void deliver(BatchBuffer batch);

    /**
     * Does the work due while there is nothing to deliver: opens the primary again when its
     * backoff is over, and notices a primary that failed while idle.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     */
    void maintain(long nowNanos);

    /**
     * Whether the next batch is written to the event file: the primary is not open, or every
     * batch goes to the file too. Writing a batch into the file costs about as much as encoding
     * it, so in a burst the writer hands such batches to a second thread and encodes the next
     * meanwhile ({@code BurstDelivery}); a socket write costs a fraction of that, and the reader
     * needs the CPU.
     *
     * @return whether the next batch is written to the event file
     */
    default boolean nextBatchToFile() {
        return false;
    }

    /** Closes the transports; lines not yet delivered are the caller's. */
    void close();
}
