package dev.foxml.training.events.core;

import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.spi.TrainingEventEmitterProvider;

/**
 * Registered with {@link java.util.ServiceLoader} so that {@code TrainingEvents.init(runId)}
 * finds this implementation: an emitter configured from system properties and the environment.
 */
public final class CoreEmitterProvider implements TrainingEventEmitterProvider {

    /** Public and no-argument, as {@link java.util.ServiceLoader} requires. */
    public CoreEmitterProvider() {
    }

    @Override
    public TrainingEventEmitter create(String runId) {
        return DefaultTrainingEventEmitter.builder(runId).build();
    }

    @Override
    public TrainingEventEmitter create(String runId, java.util.Map<String, ?> params) {
        return DefaultTrainingEventEmitter.builder(runId).params(params).build();
    }
}
