package dev.foxml.training.events;

import dev.foxml.training.events.spi.TrainingEventEmitterProvider;

/**
 * Providers for {@link ProviderLookupTest}, registered only in the {@code META-INF/services} files
 * that test writes for its own class loaders (never on the test class path). Each emitter's run id
 * names the provider that made it.
 */
public final class TestProviders {

    private TestProviders() {
    }

    /** A working provider. */
    public static final class First implements TrainingEventEmitterProvider {
        @Override
        public TrainingEventEmitter create(String runId) {
            return new RecordingEmitter("first:" + runId);
        }
    }

    /** Another working provider. */
    public static final class Second implements TrainingEventEmitterProvider {
        @Override
        public TrainingEventEmitter create(String runId) {
            return new RecordingEmitter("second:" + runId);
        }
    }

    /** A provider whose class cannot be instantiated (a missing native library, say). */
    public static final class Broken implements TrainingEventEmitterProvider {
        public Broken() {
            throw new IllegalStateException("cannot start");
        }

        @Override
        public TrainingEventEmitter create(String runId) {
            throw new AssertionError("never created");
        }
    }

    /** A provider that fails to create an emitter for a reason that is not the configuration. */
    public static final class FailingCreate implements TrainingEventEmitterProvider {
        @Override
        public TrainingEventEmitter create(String runId) {
            throw new IllegalStateException("no thread could be started");
        }
    }

    /** A provider that finds the configuration unusable. */
    public static final class BadConfiguration implements TrainingEventEmitterProvider {
        @Override
        public TrainingEventEmitter create(String runId) {
            throw new IllegalArgumentException("foxml.training.events.socket is too long; use a shorter path");
        }
    }
}
