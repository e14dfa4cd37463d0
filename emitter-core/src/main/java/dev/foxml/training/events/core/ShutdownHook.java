package dev.foxml.training.events.core;

import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.core.queue.EventSink;
import dev.foxml.training.events.core.support.Uninterruptibly;

import java.util.concurrent.TimeUnit;

/**
 * The JVM shutdown hook that closes an emitter. The JVM starts all shutdown hooks at once, so a
 * trainer's own hook that reports how the run ended ({@code error}, then {@code run_complete}
 * failed) runs at the same time as this one. A run_complete the trainer reports must win over the
 * {@code cancelled} this hook writes for a run that never said how it ended: so while no
 * run_complete is queued, this hook waits up to {@link #SHUTDOWN_GRACE_NANOS} (500 ms, at most
 * closeTimeout) before closing; events keep being accepted and written meanwhile. A run_complete
 * queued (or a close() by the trainer's hook) ends the wait at once.
 */
final class ShutdownHook implements Runnable {
    /**
     * How long the shutdown hook waits for a run_complete from the trainer's own shutdown hooks
     * before it reports a run that never completed as cancelled (at most closeTimeout).
     */
    static final long SHUTDOWN_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long SHUTDOWN_GRACE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TrainingEventEmitter emitter;
    private final EventSink sink;
    private final long closeTimeoutNanos;
    private final Thread thread;

    private ShutdownHook(TrainingEventEmitter emitter, EventSink sink, long closeTimeoutNanos) {
        this.emitter = emitter;
        this.sink = sink;
        this.closeTimeoutNanos = closeTimeoutNanos;
        this.thread = new Thread(this, "foxml-training-events-shutdown");
    }

    /**
     * Registers a hook that closes {@code emitter}; null when the JVM is already shutting down.
     * It takes the emitter rather than a {@code Runnable} such as {@code emitter::close}: a method
     * reference would cost {@code TrainingEvents.init} a class spun at run time.
     */
    static ShutdownHook add(TrainingEventEmitter emitter, EventSink sink, long closeTimeoutNanos) {
        ShutdownHook hook = new ShutdownHook(emitter, sink, closeTimeoutNanos);
        try {
            Runtime.getRuntime().addShutdownHook(hook.thread);
            return hook;
        } catch (IllegalStateException alreadyShuttingDown) {
            return null;
        }
    }

    @Override
    public void run() {
        if (!sink.isRunCompleted() && !sink.isClosed()) {
            long deadline = System.nanoTime() + Math.min(SHUTDOWN_GRACE_NANOS, closeTimeoutNanos);
            while (!sink.isRunCompleted() && !sink.isClosed() && deadline - System.nanoTime() > 0) {
                Uninterruptibly.parkNanos(this, SHUTDOWN_GRACE_POLL_NANOS);
            }
        }
        emitter.close();
    }

    /** Unregisters the hook, unless it is the one running (it will find the emitter closed). */
    void remove() {
        if (Thread.currentThread() != thread) {
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it will find the emitter closed
            }
        }
    }
}
