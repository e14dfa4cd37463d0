/**
 * Small pieces the others share: counters, the rate-limited log, the clock, emitter ids and
 * uninterruptible waits.
 *
 * <p>Internal to {@code emitter-core}: public for its other packages, not exported by its module.
 */
package dev.foxml.training.events.core.support;
