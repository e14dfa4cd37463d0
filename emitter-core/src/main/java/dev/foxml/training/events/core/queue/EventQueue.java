package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import dev.foxml.training.events.core.support.Uninterruptibly;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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
 *
 * <p>Waking the consumer: an emit pays for {@code LockSupport.unpark} (a system call) only when
 * the consumer's park ({@link #parkConsumer}) would end more than {@link #WAKE_BUDGET_MICROS}
 * after the event (a long sleep, or a trainer earlier than its rhythm), or when the ring has
 * filled to a sixteenth of its capacity (512 events by default: a burst has begun, and the
 * consumer must drain it as it comes, or the ring fills and spills into the overflow, which
 * allocates), or when the first event goes to the overflow. A park ending sooner (a nap, or a
 * park timed for the event the trainer's rhythm announced) costs the emit a volatile read and no
 * system call: the park's end finds the event.
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
    /**
     * Guarded by the monitor: {@link #consumedIndex()} as the emitting side last read it. The
     * consumer advances the real index after every batch, from the other CPU; reading it on every
     * emit would fetch its cache line back each time (a paced emit's largest cost). This copy only
     * lags, so a claim that finds the ring full by it, or a publish that finds a backlog by it,
     * reads again.
     */
    private long consumedSeen;
    /**
     * The consumer's side, on cache lines of its own: {@link #CONSUMED} (slots the consumer has
     * encoded, free for reuse), {@link #DELIVERED_SEQ} (the seq of the last event delivered or
     * counted as lost) and {@link #STOP_REQUESTED} (1 once close asked the consumer to stop).
     * Written after every batch by the consumer, or read by it at every turn, they would
     * otherwise share a line with the fields every emit writes, and each paced emit would first
     * fetch that line back from the consumer's CPU. An array's elements are laid out in order, so
     * the elements around them keep other objects' fields off their line.
     */
    private final AtomicLongArray consumerSide = new AtomicLongArray(CONSUMER_SIDE_LENGTH);
    private static final int CONSUMED = 8;
    private static final int DELIVERED_SEQ = 9;
    private static final int STOP_REQUESTED = 10;
    /** 64 bytes of padding before {@link #CONSUMED} and 104 after {@link #STOP_REQUESTED}. */
    private static final int CONSUMER_SIDE_LENGTH = 24;
    /** Claims waiting for room (guarded by the monitor; read without it by the consumer). */
    private volatile int roomWaiters;
    /** Guarded by the monitor: events claimed while the ring was full, in emit order. */
    private final ArrayDeque<EventSlot> overflow = new ArrayDeque<>();
    private volatile int overflowSize;

    /** The ring's fill at which a publish wakes the consumer whatever it is doing (a sixteenth of the ring). */
    private final long wakeBacklog;
    /** Set under the monitor by the publish that reached wakeBacklog or the first overflow event. */
    private volatile boolean wakeDue;
    private volatile Thread consumer;
    /**
     * When the consumer's current park ends, in the clock's microseconds; {@link #NOT_PARKED}
     * (0, long before any clock reading) while it works.
     */
    private volatile long consumerParkedUntil = NOT_PARKED;
    static final long NOT_PARKED = 0;
    /**
     * How long an event may wait for the end of the consumer's park, in microseconds: a publish
     * whose event would wait longer wakes the consumer. This bounds the emit-to-reader latency of
     * an event that finds the consumer parked (plus the timer's slack, ~50 µs on Linux).
     */
    public static final long WAKE_BUDGET_MICROS = 300;
    private final Object flushMonitor = new Object();
    private final AtomicLong emitWakeUps = new AtomicLong();
    /**
     * The lowest seq a caller of {@link #flush(long)} waits for ({@code Long.MAX_VALUE}: none): the
     * consumer wakes the callers when it has delivered that far, not after every batch (a flush
     * waiting for thousands of events would otherwise be woken, and its thread scheduled, a few
     * dozen times on the way). Written holding {@link #flushMonitor}; read by the consumer without it.
     */
    private volatile long flushTarget = NO_FLUSH_TARGET;
    private static final long NO_FLUSH_TARGET = Long.MAX_VALUE;

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
        wakeBacklog = Math.max(1, capacity / 16);
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
        if (t - consumedSeen < slots.length && overflowSize == 0) {
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
                consumedSeen = consumedIndex();
                if (t - consumedSeen < slots.length && overflowSize == 0) {
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

    /**
     * Makes the slot visible to the consumer. Asks {@link #wakeConsumer()} to wake the consumer
     * when its park would end more than {@link #WAKE_BUDGET_MICROS} after this event, and, whatever
     * it does, when this publish brings the ring to a sixteenth of its capacity or the overflow its
     * first event (the backlog grows by one per publish, so exactly one publish sees each
     * threshold reached).
     */
    @Override
    public void publish(EventSlot slot) {
        if (slot == claimedOverflow) {
            claimedOverflow = null;
            overflow.addLast(slot);
            int size = overflow.size();
            overflowSize = size;
            if (size == 1) {
                wakeDue = true;
            }
        } else {
            long t = tail + 1;
            tail = t;
            published = t;
            // Read after the volatile write of published; the consumer writes consumerParkedUntil
            // before it looks for work: of an event and a park, one sees the other.
            if (consumerParkedUntil - slot.timestampMicros > WAKE_BUDGET_MICROS) {
                wakeDue = true;
                return;
            }
            // The lagging copy overstates the backlog, never understates it: when it shows the
            // threshold, the real index tells whether this publish is the one that reached it.
            if (t - consumedSeen >= wakeBacklog) {
                consumedSeen = consumedIndex();
                if (t - consumedSeen == wakeBacklog) {
                    wakeDue = true;
                }
            }
        }
    }

    /**
     * Wakes the consumer when a publish asked for it; otherwise costs the emit one volatile read
     * and no system call.
     */
    @Override
    public void wakeConsumer() {
        if (wakeDue) {
            wakeDue = false;
            emitWakeUps.incrementAndGet();
            LockSupport.unpark(consumer);
        }
    }

    /**
     * How many emits paid a wake-up of the consumer (an unpark on the emitting thread): what the
     * idle policy costs the trainer, for tests and diagnostics.
     *
     * @return the count since the queue was made
     */
    public long emitWakeUps() {
        return emitWakeUps.get();
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
        return consumerSide.get(CONSUMED);
    }

    private long delivered() {
        return consumerSide.get(DELIVERED_SEQ);
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
        consumerSide.set(CONSUMED, index);
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
        return published != consumedIndex() || overflowSize > 0 || stopRequested();
    }

    /**
     * Whether {@link #close(long)} asked the consumer to stop (once the queue is empty).
     *
     * @return whether it did
     */
    public boolean stopRequested() {
        return consumerSide.get(STOP_REQUESTED) != 0;
    }

    /**
     * Parks the consumer until {@code nanos} pass, or a publish, a flush, a close, a ring filling
     * up or a full queue wakes it; returns at once if there is work already. A publish wakes it
     * only when the park would otherwise end more than {@link #WAKE_BUDGET_MICROS} after the
     * event: a short nap costs the emits nothing (their events wait for its end), and a long
     * sleep costs the one emit that ends it an unpark.
     *
     * @param nanos how long at most
     * @param nowMicros the clock's reading now, by the consumer's own reference to it (reading
     *     this queue's would share a cache line with the fields every emit writes)
     */
    public void parkConsumer(long nanos, long nowMicros) {
        consumerParksUntil(nowMicros + nanos / 1_000);
        // Read after the volatile write above: an event published before it is seen here, one
        // published after it sees when the park ends.
        if (!hasWork()) {
            LockSupport.parkNanos(this, nanos);
        }
        consumerParksUntil(NOT_PARKED);
    }

    /**
     * Tells the emitting side when the consumer's park ends (tests set it without parking).
     *
     * @param micros the clock's microseconds, or {@link #NOT_PARKED}
     */
    void consumerParksUntil(long micros) {
        consumerParkedUntil = micros;
    }

    /**
     * Notes that every event up to {@code seq} was delivered (or counted as lost), and wakes the
     * callers of {@link #flush(long)}.
     *
     * @param seq the seq of the last event of the batch
     */
    public void markDelivered(long seq) {
        consumerSide.set(DELIVERED_SEQ, seq);
        // Read after the volatile write above; a caller of flush registers its target before it
        // reads what was delivered: of the two, one sees the other.
        if (seq >= flushTarget) {
            synchronized (flushMonitor) {
                flushTarget = NO_FLUSH_TARGET;
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
        if (delivered() >= target) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            Thread writer = consumer;
            LockSupport.unpark(writer);
            synchronized (flushMonitor) {
                while (true) {
                    // Again after each wake-up: a wake-up for another caller's lower target
                    // cleared it.
                    if (target < flushTarget) {
                        flushTarget = target;
                    }
                    if (delivered() >= target) {
                        break;
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0 || writer == null || !writer.isAlive()) {
                        log.warn("flush-timeout", "flush() gave up after "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms with "
                                + (target - delivered()) + " events not yet written");
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
        consumerSide.set(STOP_REQUESTED, 1);
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
