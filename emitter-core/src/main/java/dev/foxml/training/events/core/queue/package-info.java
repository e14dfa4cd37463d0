/**
 * Between the emitting threads and the writer: the preallocated ring of event slots, its overflow,
 * the sequence numbers and the producer lock (the sink's monitor).
 *
 * <p>Internal to {@code emitter-core}: public for its other packages, not exported by its module.
 */
package dev.foxml.training.events.core.queue;
