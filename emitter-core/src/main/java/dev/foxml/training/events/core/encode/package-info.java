/**
 * Turning a queued event into its JSON line: one method per event type, and the number, time and
 * ASCII formatting and argument repair they use.
 *
 * <p>Internal to {@code emitter-core}: public for its other packages, not exported by its module.
 */
package dev.foxml.training.events.core.encode;
