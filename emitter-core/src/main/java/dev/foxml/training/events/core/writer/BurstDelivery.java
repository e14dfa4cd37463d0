package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.RateLimitedLog;
import dev.foxml.training.events.core.support.Uninterruptibly;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers full batches bound for the event file on a second thread during a burst, so that the
 * writer encodes the next batch while this one is written: appending a 64 KiB batch to a file
 * costs about as much as encoding it, so a burst to the file drains up to twice as fast. Only
 * full batches come here (the queue held at least a batch's worth of events), so a trainer
 * emitting at its own pace never wakes this thread, and a run without a burst to the file never
 * starts it.
 *
 * <p>Delivery stays single-threaded: the writer hands over a batch only when the previous one is
 * delivered, and calls {@link Delivery} itself (a partial batch, idle work, close) only after
 * {@link #awaitIdle()}; each call is ordered after the one before by the volatile
 * {@link #state}. Batches are delivered in the order they were encoded, and a handed-over batch
 * marks its events delivered (waking flushes) once it is. All methods but {@link #run()} are the
 * writer thread's.
 */
final class BurstDelivery implements Runnable {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int STOP = 2;
    /**
     * How long the writer waits for the batch in hand to be delivered before it parks, yielding
     * its CPU meanwhile: when both threads share one CPU (more runnable threads than CPUs), a
     * spin would only delay the delivery it waits for.
     */
    private static final long YIELD_NANOS = 50_000;
    /** How long stopping waits for the thread to end once it has nothing left to do. */
    private static final long JOIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Delivery delivery;
    private final EventQueue queue;
    private final Counters counters;
    private final RateLimitedLog log;
    private final int batchBytes;
    private final String threadName;
    private final Thread writer;
    /** IDLE, BUSY (a batch in hand) or STOP; only this thread turns BUSY into IDLE. */
    private volatile int state = IDLE;
    /** Whether the writer is parked (or about to park) waiting for {@link #state} to turn IDLE. */
    private volatile boolean writerWaiting;
    /** The batch in hand, made with the thread. */
    private BatchBuffer batch;
    /** The seq of the last event of the batch in hand: written before {@link #state} turns BUSY. */
    private long lastSeq;
    private Thread thread;
    /** The thread could not be started: the writer delivers every batch itself. */
    private boolean unavailable;

    /** Made on the writer thread, which it wakes when a batch is delivered. */
    BurstDelivery(Delivery delivery, EventQueue queue, Counters counters, RateLimitedLog log, int batchBytes,
                  String threadName) {
        this.delivery = delivery;
        this.queue = queue;
        this.counters = counters;
        this.log = log;
        this.batchBytes = batchBytes;
        this.threadName = threadName;
        this.writer = Thread.currentThread();
    }

    /**
     * Takes the writer's full batch (copied into a direct buffer on the writer's thread, see
     * {@link BatchBuffer#takeLinesOf}; {@code full} is left empty) and delivers it on this
     * thread, after the batch before it.
     *
     * @param full the writer's batch
     * @param seq the seq of its last event
     * @return false when the thread cannot be started (the writer delivers {@code full} itself)
     */
    boolean handOver(BatchBuffer full, long seq) {
        awaitIdle();
        if (thread == null && !start()) {
            return false;
        }
        batch.takeLinesOf(full);
        lastSeq = seq;
        state = BUSY;
        LockSupport.unpark(thread);
        return true;
    }

    private boolean start() {
        if (unavailable) {
            return false;
        }
        try {
            batch = new BatchBuffer(batchBytes);
            Thread t = new Thread(this, threadName);
            t.setDaemon(true);
            t.start();
            thread = t;
            return true;
        } catch (Throwable e) {
            // No thread to be had (a limit on threads, or memory): the writer goes on alone.
            unavailable = true;
            log.warn("burst", "the training event writer could not start its second thread (" + e
                    + "); it delivers every batch itself");
            return false;
        }
    }

    /** Waits until the batch in hand (if any) is delivered: then the writer may call {@link Delivery}. */
    void awaitIdle() {
        if (state != BUSY) {
            return;
        }
        long start = System.nanoTime();
        while (state == BUSY && System.nanoTime() - start < YIELD_NANOS) {
            Thread.yield();
        }
        while (state == BUSY) {
            writerWaiting = true;
            // Read after the volatile write above: a batch delivered before it is seen here, one
            // delivered after it sees the writer waiting and wakes it.
            if (state == BUSY) {
                LockSupport.park(this);
            }
            writerWaiting = false;
        }
    }

    /** Waits for the batch in hand, then ends the thread (if it was ever started). */
    void stop() {
        awaitIdle();
        state = STOP;
        if (thread != null) {
            LockSupport.unpark(thread);
            Uninterruptibly.join(thread, JOIN_NANOS);
        }
    }

    @Override
    public void run() {
        while (true) {
            int now = state;
            if (now == STOP) {
                return;
            }
            if (now != BUSY) {
                LockSupport.park(this);
                continue;
            }
            try {
                delivery.deliver(batch);
            } catch (Throwable t) {
                // As on the writer: the batch in hand is lost, counted, and delivery goes on.
                counters.droppedUnwritable.addAndGet(batch.lines());
                log.warn("writer", "the training event writer hit an unexpected error and goes on: " + t);
            }
            queue.markDelivered(lastSeq);
            batch.clear();
            state = IDLE;
            if (writerWaiting) {
                LockSupport.unpark(writer);
            }
        }
    }
}
