package dev.foxml.training.events.spi;

import dev.foxml.training.events.TrainingEventEmitter;

/**
 * What an implementation jar (such as {@code emitter-core}) registers under
 * {@code META-INF/services/dev.foxml.training.events.spi.TrainingEventEmitterProvider} (or
 * {@code provides} in its module descriptor) so that {@link dev.foxml.training.events.TrainingEvents}
 * finds it at run time, the way SLF4J 2 finds its provider.
 */
public interface TrainingEventEmitterProvider {

    /**
     * Creates an emitter for a run, configured from the environment and system properties.
     *
     * @param runId the run id written on every line
     * @return a new emitter, already able to accept events
     * @throws IllegalArgumentException when the configuration found in the environment or system
     *     properties is unusable; the message says what to fix
     */
    TrainingEventEmitter create(String runId);

    /**
     * Creates an emitter for a run whose {@code run_start} event carries the run's
     * hyperparameters. Providers that cannot write them create the emitter without them.
     *
     * @param runId the run id written on every line
     * @param params hyperparameters in the caller's order, name to value; never {@code null}
     * @return a new emitter, already able to accept events
     * @throws IllegalArgumentException as {@link #create(String)}, and when {@code params} has
     *     more names than the provider takes or a blank name
     */
    default TrainingEventEmitter create(String runId, java.util.Map<String, ?> params) {
        return create(runId);
    }
}
