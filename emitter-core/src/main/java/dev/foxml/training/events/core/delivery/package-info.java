/**
 * Where lines go: the bridge's Unix socket, the event file, and the failover between a primary and
 * a fallback.
 *
 * <p>Internal to {@code emitter-core}: public for its other packages, not exported by its module.
 */
package dev.foxml.training.events.core.delivery;
