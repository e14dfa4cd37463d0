package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import dev.foxml.training.events.core.support.Uninterruptibly;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The asynchronous {@link EventSink}: a preallocated ring of slots that emitting threads fill
 * holding its monitor and one consumer thread (the writer) drains, with a bounded overflow for
 * when the ring is full, and the wait of {@code flush()} for the writer's progress.
 *
 * <p>A full ring spills into the overflow, which keeps emit order: once it holds anything, new
 * events queue behind it (not in the ring), and the consumer drains the ring first, then the
 * overflow. Only when the overflow is full too does a claim wait, up to maxEmitBlock, after which
 * the event is dropped and counted.
 */
public final class EventQueue extends EventSink {
    /** A backstop: the consumer wakes waiting claims as soon as it frees room. */
    private static final long FULL_QUEUE_WAIT_MILLIS = 1;

    private final EventSlot[] slots;
    private final int mask;
    private final int overflowCapacity;
    private final long maxEmitBlockNanos;
    /** Guarded by the monitor: slots filled so far. */
    private long tail;
    /** Guarded by the monitor: the slot claimed and not yet published is an overflow slot. */
    private EventSlot claimedOverflow;
    /** Slots the consumer may read. */
    private volatile long published;
    /** Slots the consumer has encoded: free for reuse. */
    private volatile long consumed;
    /** Claims waiting for room (guarded by the monitor; read without it by the consumer). */
    private volatile int roomWaiters;
    /** Guarded by the monitor: events claimed while the ring was full, in emit order. */
    private final ArrayDeque<EventSlot> overflow = new ArrayDeque<>();
    private volatile int overflowSize;

    private volatile Thread consumer;
    private volatile boolean consumerParked;
    private volatile boolean stopRequested;
    /** The seq of the last event the consumer has delivered (or counted as lost). */
    private volatile long deliveredSeq;
    private final Object flushMonitor = new Object();
    private final AtomicInteger flushWaiters = new AtomicInteger();

    /**
     * Creates an empty queue.
     *
     * @param capacity the ring's slots, a power of two
     * @param overflowCapacity events the overflow holds at most
     * @param maxEmitBlockNanos how long a claim waits for room when both are full
     * @param counters counted losses
     * @param log warnings
     * @param clock the timestamps' clock
     */
    public EventQueue(int capacity, int overflowCapacity, long maxEmitBlockNanos, Counters counters,
                      RateLimitedLog log, MicrosClock clock) {
        super(counters, log, clock);
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        slots = new EventSlot[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new EventSlot();
        }
        mask = capacity - 1;
        this.overflowCapacity = overflowCapacity;
        this.maxEmitBlockNanos = maxEmitBlockNanos;
    }

    /**
     * The hot path, kept small so that the JIT inlines it into the emit methods: the next ring
     * slot. A full ring goes the long way ({@link #claimSlowly}).
     */
    @Override
    public EventSlot claim(EventType type, int problems) {
        long now = clock.nowMicros();
        long t = tail;
        if (t - consumed < slots.length && overflowSize == 0) {
            EventSlot slot = slots[(int) t & mask];
            return accept(slot, type, problems, now) ? slot : null;
        }
        return claimSlowly(type, problems, now);
    }

    /**
     * The ring full: an overflow slot (an allocation, not a wait: rare, a writer starved of CPU or
     * a slow disk), or, when the overflow is full too, the ring or overflow once there is room
     * within maxEmitBlock (also when the caller is interrupted: its event waits as long as
     * anyone's, and its interrupt flag is set again on return). While it waits, the monitor is
     * free (other emits, and the consumer taking the overflow, go on); the consumer wakes it when
     * it frees room.
     */
    private EventSlot claimSlowly(EventType type, int problems, long now) {
        boolean interrupted = false;
        try {
            long deadline = 0;
            while (true) {
                if (!admits(type)) {
                    return null;
                }
                long t = tail;
                if (t - consumed < slots.length && overflowSize == 0) {
                    EventSlot slot = slots[(int) t & mask];
                    accept(slot, type, problems, now);
                    return slot;
                }
                if (overflow.size() < overflowCapacity) {
                    EventSlot extra = new EventSlot();
                    accept(extra, type, problems, now);
                    claimedOverflow = extra;
                    return extra;
                }
                long nanos = System.nanoTime();
                if (deadline == 0) {
                    deadline = nanos + maxEmitBlockNanos;
                } else if (nanos - deadline >= 0) {
                    skipSeq();
                    counters.droppedQueueFull.incrementAndGet();
                    log.warn("queue-full", "the event queue (" + slots.length + " + " + overflowCapacity
                            + " overflow) stayed full for " + TimeUnit.NANOSECONDS.toMillis(maxEmitBlockNanos)
                            + " ms; an event was dropped (see stats().droppedQueueFull())");
                    return null;
                }
                interrupted |= waitForRoom();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Both queues full: gives the consumer a moment, the monitor released meanwhile.
     *
     * @return whether the wait was interrupted
     */
    private boolean waitForRoom() {
        LockSupport.unpark(consumer);
        roomWaiters++;
        try {
            wait(FULL_QUEUE_WAIT_MILLIS);
            return false;
        } catch (InterruptedException e) {
            return true;
        } finally {
            roomWaiters--;
        }
    }

    @Override
    public void publish(EventSlot slot) {
        if (slot == claimedOverflow) {
            claimedOverflow = null;
            overflow.addLast(slot);
            overflowSize = overflow.size();
        } else {
            long t = tail + 1;
            tail = t;
            published = t;
        }
    }

    @Override
    public void wakeConsumer() {
        if (consumerParked) {
            LockSupport.unpark(consumer);
        }
    }

    // ---- the consumer's side ----

    /**
     * Names the thread that drains this queue, woken when an event arrives while it is parked.
     *
     * @param thread the consumer
     */
    public void attachConsumer(Thread thread) {
        consumer = thread;
    }

    /**
     * The index of the first slot not yet consumed; with {@link #publishedIndex()}, what the ring holds.
     *
     * @return the index (a count of slots since the start, not wrapped)
     */
    public long consumedIndex() {
        return consumed;
    }

    /**
     * The index after the last slot published.
     *
     * @return the index (a count of slots since the start, not wrapped)
     */
    public long publishedIndex() {
        return published;
    }

    /**
     * The ring's slot for an index.
     *
     * @param index an index between {@link #consumedIndex()} and {@link #publishedIndex()}
     * @return its slot
     */
    public EventSlot slotAt(long index) {
        return slots[(int) index & mask];
    }

    /**
     * Frees the slots before {@code index} for reuse.
     *
     * @param index the new {@link #consumedIndex()}
     */
    public void consumedUpTo(long index) {
        consumed = index;
        if (roomWaiters > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Moves the oldest overflow events into {@code into} (at most its length). The consumer calls
     * it when the ring is empty: every event in the ring is older than any in the overflow.
     *
     * @param into where to put them, from index 0
     * @return how many
     */
    public int takeOverflow(EventSlot[] into) {
        synchronized (this) {
            int n = 0;
            while (n < into.length && !overflow.isEmpty()) {
                into[n++] = overflow.pollFirst();
            }
            overflowSize = overflow.size();
            if (n > 0 && roomWaiters > 0) {
                notifyAll();
            }
            return n;
        }
    }

    /**
     * Whether the overflow holds events (read without the monitor).
     *
     * @return whether it does
     */
    public boolean hasOverflow() {
        return overflowSize > 0;
    }

    /**
     * Whether the consumer has something to do: events in the ring or the overflow, or a stop.
     *
     * @return whether it has
     */
    public boolean hasWork() {
        return published != consumed || overflowSize > 0 || stopRequested;
    }

    /**
     * Whether {@link #close(long)} asked the consumer to stop (once the queue is empty).
     *
     * @return whether it did
     */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Parks the consumer until an event is published, a stop is requested, or {@code nanos} pass;
     * returns at once if there is work already.
     *
     * @param nanos how long at most
     */
    public void parkConsumer(long nanos) {
        consumerParked = true;
        if (!hasWork()) {
            LockSupport.parkNanos(this, nanos);
        }
        consumerParked = false;
    }

    /**
     * Notes that every event up to {@code seq} was delivered (or counted as lost), and wakes the
     * callers of {@link #flush(long)}.
     *
     * @param seq the seq of the last event of the batch
     */
    public void markDelivered(long seq) {
        deliveredSeq = seq;
        if (flushWaiters.get() > 0) {
            synchronized (flushMonitor) {
                flushMonitor.notifyAll();
            }
        }
    }

    /**
     * Waits until the consumer has delivered every event accepted before the call. An interrupted
     * caller (a cancelled task flushing before it ends) waits like any other, within the timeout,
     * and keeps its interrupt flag.
     */
    @Override
    public boolean flush(long timeoutNanos) {
        long target = lastQueuedSeq();
        if (deliveredSeq >= target) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        flushWaiters.incrementAndGet();
        try {
            Thread writer = consumer;
            LockSupport.unpark(writer);
            synchronized (flushMonitor) {
                while (deliveredSeq < target) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0 || writer == null || !writer.isAlive()) {
                        log.warn("flush-timeout", "flush() gave up after "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms with "
                                + (target - deliveredSeq) + " events not yet written");
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(flushMonitor, remaining);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            flushWaiters.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Asks the consumer to deliver what is queued and stop, and waits for it within the timeout
     * (also when the closing thread is interrupted: the consumer is a daemon, so what it has not
     * written when close returns may die with the JVM).
     */
    @Override
    public void close(long timeoutNanos) {
        stopRequested = true;
        Thread writer = consumer;
        if (writer == null) {
            return;
        }
        LockSupport.unpark(writer);
        if (!Uninterruptibly.join(writer, timeoutNanos)) {
            log.warn("close-timeout", "close() gave up after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                    + " ms with events not yet written; the writer goes on in the background");
        }
    }

    /**
     * The ring's size.
     *
     * @return its slots
     */
    public int capacity() {
        return slots.length;
    }
}
