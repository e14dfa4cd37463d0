package dev.foxml.training.events.core.support;

import dev.foxml.training.events.core.StderrCapture;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warnings that cannot flood a training log: per kind, per interval, with a count of what was suppressed. */
class RateLimitedLogTest {
    private static final String LOGGER = "dev.foxml.training.events.test.ratelimited";

    private static List<String> warnings(StderrCapture err, String logger) {
        return err.text().lines().filter(l -> l.contains("WARN") && l.contains(logger)).toList();
    }

    @Test
    void oneWarningOfAKindPerIntervalThenTheSuppressedCount() {
        RateLimitedLog log = new RateLimitedLog(TimeUnit.HOURS.toNanos(1), LOGGER);
        List<String> said;
        try (StderrCapture err = new StderrCapture(false)) {
            log.warn("kind-a", "first a");
            log.warn("kind-a", "second a");
            log.warn("kind-a", "third a");
            log.warn("kind-b", "first b");
            said = warnings(err, LOGGER);
        }
        assertEquals(2, said.size(), said::toString);
        assertTrue(said.get(0).endsWith("first a"), said.get(0));
        assertTrue(said.get(1).endsWith("first b"), "each kind has its own window: " + said.get(1));
        assertFalse(log.tryAcquire("kind-a"), "still within the hour");
    }

    @Test
    void theNextWarningAfterTheIntervalSaysHowManyWereSuppressed() {
        RateLimitedLog log = new RateLimitedLog(TimeUnit.MILLISECONDS.toNanos(20), LOGGER);
        List<String> said;
        try (StderrCapture err = new StderrCapture(false)) {
            log.warn("k", "one");
            log.warn("k", "suppressed 1");
            log.warn("k", "suppressed 2");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.tryAcquire("k") && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            log.log("k", "after the interval");
            said = warnings(err, LOGGER);
        }
        assertEquals(2, said.size(), said::toString);
        // The polls of tryAcquire that failed count as suppressed too: at least the two warnings.
        String last = said.get(1);
        assertTrue(last.contains("after the interval (") && last.endsWith(" similar warnings suppressed)"), last);
        long suppressed = Long.parseLong(last.substring(last.indexOf("interval (") + 10, last.indexOf(" similar")));
        assertTrue(suppressed >= 2, last);
    }

    @Test
    void aZeroIntervalLogsEveryWarning() {
        RateLimitedLog log = new RateLimitedLog(0, LOGGER);
        List<String> said;
        try (StderrCapture err = new StderrCapture(false)) {
            for (int i = 0; i < 5; i++) {
                log.warn("k", "warning " + i);
            }
            said = warnings(err, LOGGER);
        }
        assertEquals(5, said.size(), said::toString);
    }

    @Test
    void warnOnceSaysEachMessageOnceForTheLifeOfTheLog() {
        RateLimitedLog log = new RateLimitedLog(0, LOGGER);
        List<String> said;
        try (StderrCapture err = new StderrCapture(false)) {
            log.warnOnce("only once");
            log.warnOnce("only once");
            log.warnOnce("another");
            said = warnings(err, LOGGER);
        }
        assertEquals(2, said.size(), said::toString);
        assertTrue(said.get(0).endsWith("only once") && said.get(1).endsWith("another"), said::toString);
    }

    @Test
    void aNamedLogWritesUnderItsOwnNameWithWindowsOfItsOwn() {
        RateLimitedLog log = new RateLimitedLog(TimeUnit.HOURS.toNanos(1), LOGGER);
        RateLimitedLog named = log.named(LOGGER + ".other");
        List<String> said;
        try (StderrCapture err = new StderrCapture(false)) {
            log.warn("k", "from the first");
            named.warn("k", "from the named");
            said = warnings(err, LOGGER);
        }
        assertEquals(2, said.size(), "the same kind in another log is not suppressed: " + said);
        assertTrue(said.get(0).contains(LOGGER + " - from the first"), said.get(0));
        assertTrue(said.get(1).contains(LOGGER + ".other - from the named"), said.get(1));
        assertEquals(LOGGER + ".other", named.loggerName());
    }
}
