package dev.foxml.training.events.core;

import java.nio.file.Path;
import java.time.Duration;

/** What {@link TrainingEventEmitterBuilder} settled on: immutable, validated. */
final class EmitterConfig {
    final String runId;
    final Path socketPath;
    final Path filePath;
    final boolean synchronous;
    final boolean journal;
    final int queueCapacity;
    final int overflowCapacity;
    final Duration maxEmitBlock;
    final Duration writeTimeout;
    final Duration reconnectMin;
    final Duration reconnectMax;
    final int replayBytes;
    final Duration flushTimeout;
    final Duration closeTimeout;
    final boolean shutdownHook;
    final int maxStringChars;
    final boolean strict;
    final Duration warningInterval;
    final String worker;
    final java.util.Map<String, String> tags;
    /** Hyperparameters for run_start in the caller's order, or null for none. */
    final java.util.Map<String, Object> params;
    final boolean runStartEvent;
    final Duration heartbeatInterval;

    EmitterConfig(TrainingEventEmitterBuilder b, Path socketPath, Path filePath, boolean synchronous,
                  boolean journal, String worker, java.util.Map<String, String> tags, Duration heartbeatInterval) {
        this.worker = worker;
        this.tags = tags;
        this.params = b.params;
        this.heartbeatInterval = heartbeatInterval;
        this.runStartEvent = b.runStartEvent;
        this.runId = b.runId;
        this.socketPath = socketPath;
        this.filePath = filePath;
        this.synchronous = synchronous;
        this.journal = journal;
        this.queueCapacity = Integer.highestOneBit(b.queueCapacity - 1) << 1;
        this.overflowCapacity = b.overflowCapacity;
        this.maxEmitBlock = b.maxEmitBlock;
        this.writeTimeout = b.writeTimeout;
        this.reconnectMin = b.reconnectMin;
        this.reconnectMax = b.reconnectMax;
        this.replayBytes = b.replayBytes;
        this.flushTimeout = b.flushTimeout;
        this.closeTimeout = b.closeTimeout;
        this.shutdownHook = b.shutdownHook;
        this.maxStringChars = b.maxStringChars;
        this.strict = b.strict;
        this.warningInterval = b.warningInterval;
    }

    @Override
    public String toString() {
        return "socket=" + socketPath + ", file=" + filePath
                + ", mode=" + (synchronous ? "sync" : "async") + (journal ? "+journal" : "");
    }
}
