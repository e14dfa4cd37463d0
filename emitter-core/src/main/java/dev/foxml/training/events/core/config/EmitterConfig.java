package dev.foxml.training.events.core.config;

import dev.foxml.training.events.core.EmitterSetting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings an emitter runs with: resolved, validated, immutable. Built by
 * {@link BuilderChoices#resolve(ConfigResolver)}.
 *
 * @param runId the run id
 * @param socketPath the bridge's Unix socket
 * @param filePath the fallback (or journal) file
 * @param synchronous whether the emit call writes
 * @param journal whether every event also goes to the file
 * @param queueCapacity events the ring holds, a power of two
 * @param overflowCapacity events held in emit order beyond a full ring
 * @param maxEmitBlock the longest an emit call waits when both are full
 * @param writeTimeout how long a reader may leave the socket full before delivery moves to the file
 * @param reconnectMin the first wait between attempts to reach the socket again
 * @param reconnectMax the longest such wait
 * @param replayBytes bytes of recently sent lines kept to write to the file if the socket fails
 * @param flushTimeout the longest {@code flush()} waits
 * @param closeTimeout the longest {@code close()} and the shutdown hook wait
 * @param shutdownHook whether a JVM shutdown hook closes the emitter
 * @param maxStringChars the longest string written in any field
 * @param strict whether invalid emit arguments throw
 * @param warningInterval at most one warning of each kind per interval
 * @param worker this process's worker or rank, or {@code null} for none
 * @param tags the run_start tags in order, empty for none
 * @param params the run_start hyperparameters in the caller's order, or {@code null} for none
 * @param runStartEvent whether the emitter starts with a run_start event
 * @param heartbeatInterval the heartbeat interval, or {@code null} for none
 * @param extensions the transports' own settings by short name ({@code kafka.bootstrap}), sorted
 */
public record EmitterConfig(String runId, Path socketPath, Path filePath, boolean synchronous, boolean journal,
                            int queueCapacity, int overflowCapacity, Duration maxEmitBlock, Duration writeTimeout,
                            Duration reconnectMin, Duration reconnectMax, int replayBytes, Duration flushTimeout,
                            Duration closeTimeout, boolean shutdownHook, int maxStringChars, boolean strict,
                            Duration warningInterval, String worker, Map<String, String> tags,
                            Map<String, Object> params, boolean runStartEvent, Duration heartbeatInterval,
                            Map<String, String> extensions) {

    /** Copies the maps (keeping their order; params may hold {@code null} values) and makes them read-only. */
    public EmitterConfig {
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        params = params == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(params));
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extensions));
    }

    /**
     * Returns where events go and how, with the extension settings (secret values masked).
     *
     * @return e.g. {@code socket=/tmp/x.sock, file=/tmp/x.jsonl, mode=async+journal}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append("socket=").append(socketPath).append(", file=").append(filePath)
                .append(", mode=").append(synchronous ? "sync" : "async").append(journal ? "+journal" : "");
        if (!extensions.isEmpty()) {
            sb.append(", extensions={");
            String sep = "";
            for (Map.Entry<String, String> e : extensions.entrySet()) {
                sb.append(sep).append(e.getKey()).append('=').append(EmitterSetting.shown(e.getKey(), e.getValue()));
                sep = ", ";
            }
            sb.append('}');
        }
        return sb.toString();
    }
}
