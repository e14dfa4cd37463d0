package dev.foxml.training.events.core.config;

import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import java.nio.file.Path;
import java.time.Duration;

/** What {@link TrainingEventEmitterBuilder} settled on: immutable, validated. */
public final class EmitterConfig {
    public final String runId;
    public final Path socketPath;
    public final Path filePath;
    public final boolean synchronous;
    public final boolean journal;
    public final int queueCapacity;
    public final int overflowCapacity;
    public final Duration maxEmitBlock;
    public final Duration writeTimeout;
    public final Duration reconnectMin;
    public final Duration reconnectMax;
    public final int replayBytes;
    public final Duration flushTimeout;
    public final Duration closeTimeout;
    public final boolean shutdownHook;
    public final int maxStringChars;
    public final boolean strict;
    public final Duration warningInterval;
    public final String worker;
    public final java.util.Map<String, String> tags;
    /** Hyperparameters for run_start in the caller's order, or null for none. */
    public final java.util.Map<String, Object> params;
    public final boolean runStartEvent;
    public final Duration heartbeatInterval;

    public EmitterConfig(TrainingEventEmitterBuilder b, Path socketPath, Path filePath, boolean synchronous,
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
