package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.queue.EventSink;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.util.function.Function;

/**
 * The synchronous {@link EventSink}: no queue and no thread; the emitting thread encodes its event
 * and delivers it before the emit call returns, holding the sink's monitor throughout (one slot,
 * one encoder and one batch buffer, shared by every emitting thread in turn).
 */
public final class SyncWriter extends EventSink {
    private final EventSlot slot = new EventSlot();
    private final BatchBuffer batch = new BatchBuffer(4096);
    private final EventEncoder encoder;
    private final Delivery delivery;
    private final ProblemReporter problems;

    /**
     * Creates the writer.
     *
     * @param encoderFor the encoder writing into the given batch buffer
     * @param delivery where each event goes
     * @param clock the timestamps' clock
     * @param counters counted losses
     * @param log warnings
     */
    public SyncWriter(Function<BatchBuffer, EventEncoder> encoderFor, Delivery delivery, MicrosClock clock,
                      Counters counters, RateLimitedLog log) {
        super(counters, log, clock);
        this.encoder = encoderFor.apply(batch);
        this.delivery = delivery;
        this.problems = new ProblemReporter(counters, log);
    }

    @Override
    public EventSlot claim(EventType type, int argumentProblems) {
        long now = clock.nowMicros();
        return accept(slot, type, argumentProblems, now) ? slot : null;
    }

    /** Encodes and delivers the event on the calling thread. */
    @Override
    public void publish(EventSlot filled) {
        batch.clear();
        int found = encoder.encode(filled);
        filled.clear();
        problems.report(found);
        if (found != -1) {
            delivery.deliver(batch);
        }
    }

    /** Every event was delivered before its emit call returned. */
    @Override
    public boolean flush(long timeoutNanos) {
        return true;
    }

    @Override
    public void close(long timeoutNanos) {
        synchronized (this) {
            delivery.close();
        }
    }
}
