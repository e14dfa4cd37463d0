package dev.foxml.training.events.core.delivery;

/**
 * Where the writer hands its batches: one transport, or a primary with a fallback. Implementations
 * are used by one thread at a time (the writer thread, or in synchronous mode the emitting thread
 * holding the producer lock), never throw for a transport's failure (they count and warn), and
 * count every line they could not write in {@code droppedUnwritable}.
 */
public interface Delivery {
    /**
     * Writes the batch's whole lines, or counts them as lost.
     *
     * @param batch the lines, not yet flipped
     */
    void deliver(BatchBuffer batch);

    /**
     * Idle-time work while no batch is waiting: a reconnect attempt, a health check.
     *
     * @param nowNanos {@link System#nanoTime()} now
     */
    void maintain(long nowNanos);

    /**
     * How long an idle writer may park before {@link #maintain(long)} has work again.
     *
     * @param nowNanos {@link System#nanoTime()} now
     * @param longestNanos the writer's own longest park
     * @return nanoseconds to park, at most {@code longestNanos}
     */
    long parkNanos(long nowNanos, long longestNanos);

    /** Closes the transports; later deliveries count their lines as lost. */
    void close();
}
