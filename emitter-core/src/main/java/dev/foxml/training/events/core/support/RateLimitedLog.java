package dev.foxml.training.events.core.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warnings that cannot flood a training log: each kind of warning is logged at most once per
 * interval, with how many were suppressed since. Messages never contain event contents. Each
 * instance writes under one logger name (see {@link LogOutput}).
 */
public final class RateLimitedLog {
    private final long intervalNanos;
    private final String logger;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }

    /** A log of the trainer-facing concerns ({@link LogOutput#EMITTER}). */
    public RateLimitedLog(long intervalNanos) {
        this(intervalNanos, LogOutput.EMITTER);
    }

    public RateLimitedLog(long intervalNanos, String logger) {
        this.intervalNanos = intervalNanos;
        this.logger = logger;
    }

    /** A log with the same interval under another logger name, with windows of its own. */
    public RateLimitedLog named(String otherLogger) {
        return new RateLimitedLog(intervalNanos, otherLogger);
    }

    String loggerName() {
        return logger;
    }

    /** An informational line, never suppressed: for what happens rarely (where events go). */
    public void info(String message) {
        LogOutput.info(logger, message);
    }

    public boolean debugEnabled() {
        return LogOutput.debugEnabled(logger);
    }

    public void debug(String message) {
        LogOutput.debug(logger, message);
    }

    /** Logs {@code message} unless a warning of the same kind was logged within the interval. */
    public void warn(String kind, String message) {
        if (tryAcquire(kind)) {
            log(kind, message);
        }
    }

    /**
     * Whether a warning of this kind may be logged now (and if so, the interval starts again).
     * Lets a caller skip building a message that would be suppressed anyway.
     */
    public boolean tryAcquire(String kind) {
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
    public void log(String kind, String message) {
        Window w = windows.get(kind);
        long suppressed = w == null ? 0 : w.suppressed.getAndSet(0);
        String text = suppressed == 0 ? message
                : message + " (" + suppressed + " similar warnings suppressed)";
        LogOutput.warn(logger, text);
    }

    /** Logs once per kind for the life of this log. */
    public void warnOnce(String message) {
        Window w = windows.computeIfAbsent("once:" + message, k -> new Window());
        if (w.nextAllowed.compareAndSet(Long.MIN_VALUE, Long.MAX_VALUE)) {
            LogOutput.warn(logger, message);
        }
    }
}
