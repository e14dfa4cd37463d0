/**
 * The service-provider interface through which {@link dev.foxml.training.events.TrainingEvents}
 * finds its implementation with {@link java.util.ServiceLoader}. Trainer code never uses it;
 * an implementation (such as {@code emitter-core}) registers a
 * {@link dev.foxml.training.events.spi.TrainingEventEmitterProvider}.
 */
package dev.foxml.training.events.spi;
