/**
 * The training-events API: what trainer code compiles against, with no dependencies at all.
 *
 * <p>{@link dev.foxml.training.events.TrainingEvents} finds its implementation at run time with
 * {@link java.util.ServiceLoader} through {@link dev.foxml.training.events.spi.TrainingEventEmitterProvider}:
 * on the class path from {@code META-INF/services}, on the module path from the {@code provides}
 * clause of a module such as {@code dev.foxml.training.events.core}. With none present, one
 * warning goes to standard error and every event is discarded; nothing throws.
 */
module dev.foxml.training.events {
    exports dev.foxml.training.events;
    exports dev.foxml.training.events.spi;

    uses dev.foxml.training.events.spi.TrainingEventEmitterProvider;
}
