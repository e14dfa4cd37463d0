package dev.foxml.training.events.core.config;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.events.core.config.ConfigResolver.Value;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the user chose on the builder, as given: {@code null} where a setting that can also come
 * from outside the program (a system property, an environment variable) was not given.
 * {@link #resolve(ConfigResolver)} turns it into the {@link EmitterConfig}.
 *
 * @param runId the run id
 * @param socketPath {@code socketPath(...)}, or {@code null}
 * @param filePath {@code filePath(...)}, or {@code null}
 * @param synchronous {@code synchronous(...)}, or {@code null} to follow the mode setting
 * @param journal {@code journal(...)}, or {@code null} to follow the mode setting
 * @param queueCapacity events the ring holds
 * @param overflowCapacity events held beyond a full ring
 * @param maxEmitBlock the longest an emit call waits
 * @param writeTimeout how long the socket may stay full
 * @param reconnectMin the first wait between attempts to reach the socket
 * @param reconnectMax the longest such wait
 * @param replayBytes recently sent bytes kept for the file
 * @param flushTimeout the longest {@code flush()} waits
 * @param closeTimeout the longest {@code close()} waits
 * @param shutdownHook whether a JVM shutdown hook closes the emitter
 * @param maxStringChars the longest string written
 * @param strict whether invalid emit arguments throw
 * @param warningInterval at most one warning of each kind per interval
 * @param worker {@code worker(...)}, or {@code null}
 * @param tags {@code tags(...)}, or {@code null}
 * @param params the run's hyperparameters, or {@code null}
 * @param runStartEvent whether the emitter starts with a run_start event
 * @param heartbeatInterval {@code heartbeat(...)}, or {@code null}
 */
public record BuilderChoices(String runId, Path socketPath, Path filePath, Boolean synchronous, Boolean journal,
                             int queueCapacity, int overflowCapacity, Duration maxEmitBlock, Duration writeTimeout,
                             Duration reconnectMin, Duration reconnectMax, int replayBytes, Duration flushTimeout,
                             Duration closeTimeout, boolean shutdownHook, int maxStringChars, boolean strict,
                             Duration warningInterval, String worker, Map<String, String> tags,
                             Map<String, Object> params, boolean runStartEvent, Duration heartbeatInterval) {

    /**
     * Resolves every setting (these choices, then system properties, environment and defaults),
     * validates each, and returns the configuration an emitter runs with.
     *
     * @param settings the system properties, environment and the builder's {@code setting(name, value)}s
     * @return the validated configuration
     * @throws IllegalArgumentException for an unusable setting, naming it, where it came from and the fix
     */
    public EmitterConfig resolve(ConfigResolver settings) {
        ConfigValidation.runIdPresent(runId, strict);
        // Each setting spelled out, not through a generic resolve(setting, value, parser): method
        // references here cost TrainingEvents.init milliseconds each (a class spun per reference
        // at its first use, in a JVM that may not have used a lambda yet).
        Value<Path> socket = socketPath != null
                ? settings.fromBuilder(EmitterSetting.SOCKET, socketPath, "socketPath(...)")
                : ConfigValidation.path(settings.text(EmitterSetting.SOCKET));
        ConfigValidation.socketPath(socket);
        Value<Path> file = filePath != null
                ? settings.fromBuilder(EmitterSetting.FILE, filePath, "filePath(...)")
                : ConfigValidation.path(settings.text(EmitterSetting.FILE));
        ConfigValidation.filePath(file);
        ConfigValidation.deliverable(socket, file);
        ConfigValidation.Mode mode = ConfigValidation.mode(settings.text(EmitterSetting.MODE));
        ConfigValidation.limits(this);
        ConfigValidation.runIdStrict(runId, strict, maxStringChars);
        String workerId = ConfigValidation.worker(worker != null
                ? settings.fromBuilder(EmitterSetting.WORKER, worker, "worker(...)")
                : settings.text(EmitterSetting.WORKER));
        Map<String, String> tagMap = ConfigValidation.checkTags(tags != null
                ? settings.fromBuilder(EmitterSetting.TAGS, tags, "tags(...)")
                : ConfigValidation.tags(settings.text(EmitterSetting.TAGS)));
        ConfigValidation.params(params);
        Duration heartbeat = ConfigValidation.heartbeat(heartbeatInterval != null
                ? settings.fromBuilder(EmitterSetting.HEARTBEAT_SECONDS, heartbeatInterval, "heartbeat(...)")
                : ConfigValidation.heartbeatSeconds(settings.text(EmitterSetting.HEARTBEAT_SECONDS)));
        return new EmitterConfig(runId, socket.value(), file.value(),
                synchronous != null ? synchronous : mode.synchronous(), journal != null ? journal : mode.journal(),
                Integer.highestOneBit(queueCapacity - 1) << 1, overflowCapacity, maxEmitBlock, writeTimeout,
                reconnectMin, reconnectMax, replayBytes, flushTimeout, closeTimeout, shutdownHook, maxStringChars,
                strict, warningInterval, workerId, tagMap, params, runStartEvent, heartbeat, settings.extensions());
    }
}
