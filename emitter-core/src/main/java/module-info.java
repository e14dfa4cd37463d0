/**
 * The emitter: JSON lines (strings escaped by jackson-core's streaming generator), delivered over the
 * bridge's Unix domain socket (junixsocket, or the JDK's own channel when its native library does
 * not load) with a file fallback. Registered as the provider of
 * {@link dev.foxml.training.events.spi.TrainingEventEmitterProvider}, so that
 * {@code TrainingEvents.init(runId)} finds it on the module path as on the class path;
 * {@link dev.foxml.training.events.core.DefaultTrainingEventEmitter#builder(String)} configures one
 * directly.
 */
module dev.foxml.training.events.core {
    requires transitive dev.foxml.training.events;

    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires org.newsclub.net.unix;
    // junixsocket loads its native library from this jar by class name; requiring it puts it in
    // the module graph, so the native socket works on the module path without --add-modules.
    requires com.kohlschutter.junixsocket.nativecommon;
    // SO_PEERCRED on the JDK's Unix-domain channels (jdk.net.ExtendedSocketOptions).
    requires jdk.net;
    // com.sun.security.auth.module.UnixSystem, looked up by name for the process's uid where
    // there is no /proc (macOS); a named main module would otherwise leave it out of the graph.
    requires jdk.security.auth;

    exports dev.foxml.training.events.core;
    exports dev.foxml.training.events.core.spi;

    uses dev.foxml.training.events.core.spi.TransportProvider;

    provides dev.foxml.training.events.spi.TrainingEventEmitterProvider
            with dev.foxml.training.events.core.CoreEmitterProvider;
}
