package dev.foxml.training.events.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warnings that cannot flood a training log: each kind of warning is logged at most once per
 * interval, with how many were suppressed since. Messages never contain event contents.
 */
final class RateLimitedLog {
    /**
     * The logger, created on the first warning rather than with the first emitter: SLF4J prints a
     * notice to standard error when it first finds no provider, and a run with nothing to warn
     * about should leave a trainer's output untouched.
     */
    private static final class Holder {
        static final Logger LOGGER = LoggerFactory.getLogger("dev.foxml.training.events");
    }

    private final long intervalNanos;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }

    RateLimitedLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** Logs {@code message} unless a warning of the same kind was logged within the interval. */
    void warn(String kind, String message) {
        if (tryAcquire(kind)) {
            log(kind, message);
        }
    }

    /**
     * Whether a warning of this kind may be logged now (and if so, the interval starts again).
     * Lets a caller skip building a message that would be suppressed anyway.
     */
    boolean tryAcquire(String kind) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long now = System.nanoTime();
        long next = w.nextAllowed.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !w.nextAllowed.compareAndSet(next, now + intervalNanos)) {
            w.suppressed.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Logs a warning whose {@link #tryAcquire(String)} succeeded, noting how many were suppressed. */
    void log(String kind, String message) {
        Window w = windows.get(kind);
        long suppressed = w == null ? 0 : w.suppressed.getAndSet(0);
        String text = suppressed == 0 ? message
                : message + " (" + suppressed + " similar warnings suppressed)";
        try {
            Holder.LOGGER.warn(text);
        } catch (RuntimeException | LinkageError ignored) {
            // A broken logging backend must not reach the trainer.
        }
    }

    /** Logs once per kind for the life of this log. */
    void warnOnce(String message) {
        Window w = windows.computeIfAbsent("once:" + message, k -> new Window());
        if (w.nextAllowed.compareAndSet(Long.MIN_VALUE, Long.MAX_VALUE)) {
            try {
                Holder.LOGGER.warn(message);
            } catch (RuntimeException | LinkageError ignored) {
                // see warn()
            }
        }
    }
}
