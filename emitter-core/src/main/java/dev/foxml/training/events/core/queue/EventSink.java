package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;

/**
 * Where the emitter puts an event, in three steps on the emitting thread, holding this sink's
 * monitor (the producer lock) throughout: {@link #claim} a slot (which gives the event its
 * {@code seq} and timestamp), fill it with the slot's method for its type, {@link #publish} it
 * (in a {@code finally}, so that a claimed slot is always published); then, outside the monitor,
 * {@link #wakeConsumer()}:
 * <pre>{@code
 * synchronized (sink) {
 *     EventSlot slot = sink.claim(EventType.PROGRESS, problems);
 *     if (slot != null) {
 *         try {
 *             slot.progress(...);
 *         } finally {
 *             sink.publish(slot);
 *         }
 *     }
 * }
 * sink.wakeConsumer();
 * }</pre>
 * The lock is the monitor, not a {@code java.util.concurrent} lock: it allocates nothing when
 * threads contend (JDK 17's {@code AbstractQueuedSynchronizer} allocates a node per waiting
 * thread), a thread waiting for it ignores interrupts, and measured against a hand-written
 * compare-and-set lock it was as fast with one emitting thread and faster with four
 * ({@code EmitCallerCost{One,Four}Threads}).

 * Two implementations: {@link EventQueue} (asynchronous: the writer thread delivers later) and
 * the synchronous writer (the emitting thread encodes and delivers in {@code publish}).
 *
 * <p>What both share lives here, under the monitor: the sequence numbers, the state that
 * decides whether an event is accepted at all (closed, run completed), and what {@code flush()},
 * the heartbeat and {@code stats()} read.
 */
public abstract class EventSink {
    /** Counted losses, for stats(). */
    protected final Counters counters;
    /** Warnings, rate-limited. */
    protected final RateLimitedLog log;
    /** The event timestamps' clock. */
    protected final MicrosClock clock;
    /** Guarded by this sink's monitor: the next event's seq. */
    private long nextSeq = 1;
    /** Guarded by this sink's monitor: the seq of the last event accepted: what flush() waits for. */
    private long lastQueuedSeq;
    /** Guarded by this sink's monitor: when the last event was emitted, for the heartbeat. */
    private long lastEmitMicros;
    private volatile boolean closed;
    /** The thread emitting close()'s final run_complete, the one emit allowed once closed. */
    private volatile Thread closingThread;
    private volatile boolean runCompleted;

    /**
     * Creates the shared state.
     *
     * @param counters counted losses
     * @param log warnings
     * @param clock the timestamps' clock
     */
    protected EventSink(Counters counters, RateLimitedLog log, MicrosClock clock) {
        this.counters = counters;
        this.log = log;
        this.clock = clock;
    }

    /**
     * A slot for an event of {@code type}, stamped with its seq, timestamp and problems; called
     * holding this sink's monitor. Returns null when the event is not to be written:
     * the emitter is closed, it is a run_complete after the first, or there was no room within
     * maxEmitBlock (each counted).
     *
     * @param type the event's type
     * @param problems problems found in its arguments ({@code ArgumentProblems} bits)
     * @return the slot to fill and then {@link #publish}, or null
     */
    public abstract EventSlot claim(EventType type, int problems);

    /**
     * Hands the filled slot on (to the writer, or, synchronously, to delivery); called holding
     * this sink's monitor, right after {@link #claim}.
     *
     * @param slot the slot {@link #claim} returned
     */
    public abstract void publish(EventSlot slot);

    /** After publish, outside the monitor: wakes whoever consumes published events, if it sleeps. */
    public void wakeConsumer() {
    }

    /**
     * Waits until every event accepted so far is delivered (or counted as lost).
     *
     * @param timeoutNanos how long at most
     * @return whether it was, within the time
     */
    public abstract boolean flush(long timeoutNanos);

    /**
     * Delivers what is accepted (within the timeout) and closes delivery; called once, after
     * {@link #beginClose()} and the final run_complete.
     *
     * @param timeoutNanos how long at most
     */
    public abstract void close(long timeoutNanos);

    /**
     * Emits an event whose content is the emitter's, not a caller's: run_start, or a heartbeat
     * (whose stage and progress the encoder fills in from the stream).
     *
     * @param type {@link EventType#RUN_START} or {@link EventType#HEARTBEAT}
     */
    public final void emitOwnEvent(EventType type) {
        synchronized (this) {
            EventSlot slot = claim(type, 0);
            if (slot != null) {
                try {
                    if (type == EventType.RUN_START) {
                        slot.runStart();
                    } else {
                        slot.heartbeat();
                    }
                } finally {
                    publish(slot);
                }
            }
        }
        wakeConsumer();
    }

    /**
     * Under the monitor: whether an event of this type may be written now; if so, stamps the slot
     * and notes it for flush, the heartbeat and the run's completion.
     *
     * @param slot the slot to stamp
     * @param type the event's type
     * @param problems its argument problems
     * @param nowMicros its timestamp
     * @return false when it is not to be written (counted)
     */
    protected final boolean accept(EventSlot slot, EventType type, int problems, long nowMicros) {
        if (!admits(type)) {
            return false;
        }
        slot.seq = nextSeq;
        slot.timestampMicros = nowMicros;
        slot.problems = problems;
        lastQueuedSeq = nextSeq++;
        lastEmitMicros = nowMicros;
        if (type == EventType.RUN_COMPLETE) {
            runCompleted = true;
        }
        return true;
    }

    /**
     * Under the monitor: whether an event of this type may be written (not closed, not a second
     * run_complete), counting it when not.
     *
     * @param type the event's type
     * @return whether it may
     */
    protected final boolean admits(EventType type) {
        if (closed && Thread.currentThread() != closingThread) {
            // Nothing may follow close()'s run_complete.
            counters.droppedClosed.incrementAndGet();
            return false;
        }
        if (type == EventType.RUN_COMPLETE && runCompleted) {
            dropExtraRunComplete();
            return false;
        }
        return true;
    }

    /**
     * Under the monitor: an event given up after it could not be queued uses up its seq, so that a
     * reader sees the gap as well as the counter.
     */
    protected final void skipSeq() {
        nextSeq++;
    }

    /**
     * A run_complete after the first: the first one wins (a trainer's own
     * {@code emitRunComplete(FAILED)} inside a run scope that then reports success), so the
     * stream ends with the status that was reported first. Counted and warned once; no seq used.
     */
    private void dropExtraRunComplete() {
        counters.droppedExtraRunComplete.incrementAndGet();
        log.warnOnce("a run_complete was emitted after the run had completed and was not written:"
                + " an emitter writes one run_complete, the first (see stats().droppedExtraRunComplete())");
    }

    /**
     * Closes the sink to every thread but the caller, which may then emit the final run_complete.
     * Under the monitor, so that no emit racing with close (a trainer thread still running while the
     * shutdown hook runs) can land after it.
     *
     * @return whether a run_complete was already accepted
     */
    public final boolean beginClose() {
        synchronized (this) {
            closed = true;
            closingThread = Thread.currentThread();
            return runCompleted;
        }
    }

    /** Ends the closing thread's permission to emit (after its final run_complete). */
    public final void endClosingEmits() {
        closingThread = null;
    }

    /**
     * Whether {@link #beginClose()} was called.
     *
     * @return whether closed
     */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Whether a run_complete was accepted.
     *
     * @return whether the run completed
     */
    public final boolean isRunCompleted() {
        return runCompleted;
    }

    /**
     * The number of seqs used so far: events accepted, and those dropped because the queue stayed full.
     *
     * @return the last seq used
     */
    public final long emitted() {
        synchronized (this) {
            return nextSeq - 1;
        }
    }

    /**
     * The seq of the last event accepted, for flush.
     *
     * @return the seq, 0 for none
     */
    protected final long lastQueuedSeq() {
        synchronized (this) {
            return lastQueuedSeq;
        }
    }

    /**
     * How long no event was accepted, for the heartbeat.
     *
     * @return microseconds since the last event (since the epoch when there was none)
     */
    public final long quietMicros() {
        synchronized (this) {
            return clock.nowMicros() - lastEmitMicros;
        }
    }
}
