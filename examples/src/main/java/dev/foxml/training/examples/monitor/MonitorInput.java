package dev.foxml.training.examples.monitor;

import java.time.Instant;

/** What the event sources hand to the monitor's loop. */
sealed interface MonitorInput {

    /**
     * One line read from a source, without its newline.
     *
     * @param text the line
     * @param receivedAt when it was read
     * @param source where from, e.g. {@code socket} or {@code file}
     */
    record Line(String text, Instant receivedAt, String source) implements MonitorInput {
    }

    /**
     * A trainer's socket connection ended.
     *
     * @param at when
     */
    record Disconnected(Instant at) implements MonitorInput {
    }
}
