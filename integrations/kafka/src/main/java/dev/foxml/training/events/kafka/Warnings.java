package dev.foxml.training.events.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Warnings that cannot flood an operator's log: each kind at most once per interval, with how
 * many of that kind were suppressed since. Messages never carry event contents or settings'
 * values (a producer setting may be a secret).
 */
final class Warnings {
    private static final Logger LOG = LoggerFactory.getLogger("dev.foxml.training.events.kafka");

    private final long intervalNanos;
    private final Map<String, long[]> kinds = new HashMap<>();

    Warnings(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** Logs the message unless a warning of this kind was logged within the interval. */
    synchronized void warn(String kind, String message) {
        long now = System.nanoTime();
        long[] state = kinds.computeIfAbsent(kind, k -> new long[] {now - intervalNanos, 0});
        if (now - state[0] < intervalNanos) {
            state[1]++;
            return;
        }
        long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        LOG.warn(suppressed == 0 ? message : message + " (" + suppressed + " similar warnings suppressed)");
    }

    /** Logs an informational message (start, stop, recovery), never rate-limited. */
    void info(String message) {
        LOG.info(message);
    }
}
