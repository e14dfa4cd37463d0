/**
 * The emitter's settings: their names, how each is resolved (builder, system property,
 * environment, default) and the resolved configuration.
 *
 * <p>Internal to {@code emitter-core}: public for its other packages, not exported by its module.
 */
package dev.foxml.training.events.core.config;
