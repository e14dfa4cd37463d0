package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.queue.EventSink;
import dev.foxml.training.events.core.queue.EventType;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that queues a heartbeat whenever nothing was emitted for the interval. The
 * writer fills in the stage, progress and target from the events before it, so the heartbeat
 * repeats them. It stops once the emitter is closed or the run completed: the bridge shows a run
 * as running while its latest event is anything else, so a heartbeat after run_complete would
 * bring a finished run back to life.
 */
public final class Heartbeat implements Runnable {
    private final EventSink sink;
    private final long intervalMicros;
    private final RateLimitedLog log;
    private final Thread thread;

    /**
     * Starts the heartbeat thread.
     *
     * @param sink where heartbeats go
     * @param intervalNanos the quiet interval
     * @param log warnings
     * @param number the number in the thread's name (the writer's)
     * @return the heartbeat, running
     */
    public static Heartbeat start(EventSink sink, long intervalNanos, RateLimitedLog log, int number) {
        return new Heartbeat(sink, intervalNanos, log, number);
    }

    private Heartbeat(EventSink sink, long intervalNanos, RateLimitedLog log, int number) {
        this.sink = sink;
        this.intervalMicros = intervalNanos / 1000;
        this.log = log;
        thread = new Thread(this, "foxml-training-events-heartbeat-" + number);
        thread.setDaemon(true);
        thread.start();
    }

    /** Wakes the thread, so that it sees the emitter closed and ends. */
    public void wake() {
        LockSupport.unpark(thread);
    }

    /** The thread's loop: not for callers. */
    @Override
    public void run() {
        while (!sink.isClosed() && !sink.isRunCompleted()) {
            long parkNanos;
            try {
                parkNanos = beatIfQuiet();
            } catch (Throwable t) {
                // Like the writer: one bad moment must not end the heartbeat for the rest of the run.
                // Nothing to count: an event that was queued is counted by the writer as usual.
                log.warn("heartbeat", "the heartbeat hit an unexpected error and goes on ("
                        + LogOutput.cause(t) + ")");
                parkNanos = Math.max(1_000_000_000L, Math.min(intervalMicros * 1000, 60_000_000_000L));
            }
            LockSupport.parkNanos(this, parkNanos);
        }
    }

    /** Queues a heartbeat if the interval passed in silence; returns how long to wait before looking again. */
    private long beatIfQuiet() {
        long quietMicros = sink.quietMicros();
        if (quietMicros >= intervalMicros) {
            sink.emitOwnEvent(EventType.HEARTBEAT);
            quietMicros = 0;
        }
        return Math.max(1_000_000L, (intervalMicros - quietMicros) * 1000);
    }
}
