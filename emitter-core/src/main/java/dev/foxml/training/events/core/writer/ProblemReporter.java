package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.encode.ArgumentProblems;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.RateLimitedLog;

/** Counts and warns (rate-limited, without event content) what the encoder found in an event. */
final class ProblemReporter {
    private final Counters counters;
    private final RateLimitedLog log;

    ProblemReporter(Counters counters, RateLimitedLog log) {
        this.counters = counters;
        this.log = log;
    }

    /** {@code problems}: the encoder's result, -1 for an event that could not be encoded at all. */
    void report(int problems) {
        if (problems == 0) {
            return;
        }
        if (problems == -1) {
            counters.droppedUnwritable.incrementAndGet();
            log.warn("encode", "a training event could not be encoded and was dropped");
            return;
        }
        counters.invalidArguments.incrementAndGet();
        if (log.tryAcquire("invalid-arguments")) {
            log.log("invalid-arguments", "a training event had invalid arguments ("
                    + ArgumentProblems.describe(problems) + "); the line was written escaped, clamped or repaired");
        }
    }
}
