/**
 * The emitter implementation: events queued without blocking the trainer, encoded as JSON lines
 * by one writer thread, and delivered to the bridge's Unix domain socket with a file fallback.
 *
 * <p>Trainer code needs nothing from this package unless it configures an emitter in code with
 * {@link dev.foxml.training.events.core.DefaultTrainingEventEmitter#builder(String)}; otherwise
 * {@code TrainingEvents.init(runId)} finds it through {@link java.util.ServiceLoader}.
 */
package dev.foxml.training.events.core;
