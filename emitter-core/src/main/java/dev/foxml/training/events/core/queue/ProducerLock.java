package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.support.Uninterruptibly;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock emitting threads hold for a few tens of nanoseconds to put an event into the ring.
 * Unlike {@link java.util.concurrent.locks.ReentrantLock} it never allocates: JDK 17's
 * {@code AbstractQueuedSynchronizer} allocates a queue node for each thread that has to wait,
 * which made emit calls from several threads at once allocate (EmitCallerCostFourThreads and
 * EmitThroughputFourThreads: up to 0.4 B/event). A thread that finds it taken spins a little, then yields its CPU (the holder
 * may be waiting for one: more emitting threads than CPUs), then parks in short steps (in
 * synchronous mode the holder is writing, which may take up to the write timeout).
 *
 * <p>Not reentrant, not fair: the holder never waits for another thread, and it is held so
 * briefly that a waiter's next attempt almost always finds it free.
 */
public final class ProducerLock {
    private static final int SPINS = 64;
    private static final int YIELDS = 64;
    private static final long PARK_NANOS = 20_000;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ProducerLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while held. */
    private volatile int state;

    public void lock() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            waitAndLock();
        }
    }

    private void waitAndLock() {
        for (int attempt = 0; ; attempt++) {
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else if (attempt < SPINS + YIELDS) {
                Thread.yield();
            } else {
                // An interrupted thread parks too (a plain park would return at once and make
                // this a spin loop as long as the holder's write lasts); its flag stays set.
                Uninterruptibly.parkNanos(this, PARK_NANOS);
            }
            if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
                return;
            }
        }
    }

    /**
     * A volatile write, so a full fence: what the emitting thread reads after unlocking (whether
     * the writer sleeps) cannot be read before the slot it published is visible.
     */
    public void unlock() {
        state = 0;
    }
}
