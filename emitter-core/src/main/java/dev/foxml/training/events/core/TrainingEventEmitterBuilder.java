package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.BuilderChoices;
import dev.foxml.training.events.core.config.ConfigResolver;
import dev.foxml.training.events.core.config.ConfigResolver.Source;
import dev.foxml.training.events.core.config.ConfigValidation;
import dev.foxml.training.events.core.config.EmitterConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Configures a {@link DefaultTrainingEventEmitter}. Every setting has a default. The settings of
 * {@link EmitterSetting} (where events go, the mode, the worker, tags and heartbeat) are taken, in
 * order of precedence, from this builder, the system properties ({@code -Dfoxml.training.event.socket}),
 * the environment variables ({@code FOXML_TRAINING_EVENT_SOCKET}), and the defaults the dashboard
 * bridge expects ({@value #DEFAULT_SOCKET}, {@value #DEFAULT_FILE}). Transports' own settings
 * ({@code kafka.*}) take the same path: {@link #setting(String, String)}, property, variable.
 *
 * <p>{@link #build()} validates everything and throws {@link IllegalArgumentException} with a
 * message that says where a bad value came from and what to fix; once built, the emitter itself
 * never throws.
 *
 * <p>Its length is its documented methods, one per setting, and the setting names it has always
 * offered; it only holds the choices: {@code core.config} resolves and checks them.
 */
public final class TrainingEventEmitterBuilder {
    /** Environment variable naming the bridge's Unix socket ({@link EmitterSetting#SOCKET}). */
    public static final String SOCKET_ENV = EmitterSetting.SOCKET.environmentVariable();
    /** Environment variable naming the fallback file ({@link EmitterSetting#FILE}). */
    public static final String FILE_ENV = EmitterSetting.FILE.environmentVariable();
    /** Environment variable choosing the mode: {@code async}, {@code sync}, {@code journal} or {@code sync-journal}. */
    public static final String MODE_ENV = EmitterSetting.MODE.environmentVariable();
    /** Environment variable naming this process's worker or rank ({@link EmitterSetting#WORKER}). */
    public static final String WORKER_ENV = EmitterSetting.WORKER.environmentVariable();
    /** Environment variable turning the heartbeat on: its interval in seconds ({@link EmitterSetting#HEARTBEAT_SECONDS}). */
    public static final String HEARTBEAT_ENV = EmitterSetting.HEARTBEAT_SECONDS.environmentVariable();
    /** Environment variable with the run_start tags, as {@code k=v,k2=v2} ({@link EmitterSetting#TAGS}). */
    public static final String TAGS_ENV = EmitterSetting.TAGS.environmentVariable();
    /** System property naming the bridge's Unix socket; wins over {@link #SOCKET_ENV}. */
    public static final String SOCKET_PROPERTY = EmitterSetting.SOCKET.property();
    /** System property naming the fallback file; wins over {@link #FILE_ENV}. */
    public static final String FILE_PROPERTY = EmitterSetting.FILE.property();
    /** System property choosing the mode; wins over {@link #MODE_ENV}. */
    public static final String MODE_PROPERTY = EmitterSetting.MODE.property();
    /** System property naming this process's worker or rank; wins over {@link #WORKER_ENV}. */
    public static final String WORKER_PROPERTY = EmitterSetting.WORKER.property();
    /** System property turning the heartbeat on (seconds); wins over {@link #HEARTBEAT_ENV}. */
    public static final String HEARTBEAT_PROPERTY = EmitterSetting.HEARTBEAT_SECONDS.property();
    /** System property with the run_start tags; wins over {@link #TAGS_ENV}. */
    public static final String TAGS_PROPERTY = EmitterSetting.TAGS.property();
    /** The socket used when nothing else is configured, as the dashboard bridge expects. */
    public static final String DEFAULT_SOCKET = EmitterSetting.DEFAULT_SOCKET;
    /** The fallback file used when nothing else is configured, as the dashboard bridge reads. */
    public static final String DEFAULT_FILE = EmitterSetting.DEFAULT_FILE;

    /** The longest socket path Linux accepts: {@code sun_path} is 108 bytes including the NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = ConfigValidation.MAX_SOCKET_PATH_BYTES;
    /** The longest allowed {@link #maxStringChars(int)}; keeps every line well under 1 MiB. */
    public static final int MAX_STRING_CHARS_LIMIT = ConfigValidation.MAX_STRING_CHARS_LIMIT;
    /** The longest {@link #maxEmitBlock(Duration)}: the bound promised to trainers. */
    public static final Duration MAX_EMIT_BLOCK_LIMIT = ConfigValidation.MAX_EMIT_BLOCK_LIMIT;
    /** The most tags a run_start may carry. */
    public static final int MAX_TAGS = ConfigValidation.MAX_TAGS;
    /** The most hyperparameters a run_start may carry. */
    public static final int MAX_PARAMS = ConfigValidation.MAX_PARAMS;
    /** The shortest {@link #heartbeat(Duration)} interval. */
    public static final Duration MIN_HEARTBEAT = ConfigValidation.MIN_HEARTBEAT;
    /**
     * The longest {@link #heartbeat(Duration)} interval: a dashboard that hears nothing for a day
     * has long stopped waiting.
     */
    public static final Duration MAX_HEARTBEAT = ConfigValidation.MAX_HEARTBEAT;

    private final String runId;
    private Path socketPath;
    private Path filePath;
    private Boolean synchronous;
    private Boolean journal;
    private int queueCapacity = 8192;
    private int overflowCapacity = 262_144;
    private Duration maxEmitBlock = Duration.ofMillis(20);
    private Duration writeTimeout = Duration.ofMillis(250);
    private Duration reconnectMin = Duration.ofMillis(100);
    private Duration reconnectMax = Duration.ofSeconds(2);
    private int replayBytes = 1 << 20;
    private Duration flushTimeout = Duration.ofSeconds(5);
    private Duration closeTimeout = Duration.ofSeconds(3);
    private boolean shutdownHook = true;
    private int maxStringChars = 4096;
    private boolean strict;
    private Duration warningInterval = Duration.ofSeconds(30);
    private String worker;
    private Map<String, String> tags;
    private Map<String, Object> params;
    private boolean runStartEvent = true;
    private Duration heartbeatInterval;
    /** What {@link #setting(String, String)} was given, by short name. */
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Source environment = Source.environment();
    private Source properties = Source.systemProperties();

    TrainingEventEmitterBuilder(String runId) {
        this.runId = runId;
    }

    /**
     * The bridge's Unix socket (absolute, at most {@value #MAX_SOCKET_PATH_BYTES} bytes).
     *
     * @param path an absolute path
     * @return this builder
     */
    public TrainingEventEmitterBuilder socketPath(Path path) {
        this.socketPath = Objects.requireNonNull(path, "socketPath");
        settings.remove(EmitterSetting.SOCKET.key());
        return this;
    }

    /**
     * The fallback file lines are appended to (absolute; created 0600 when absent).
     *
     * @param path an absolute path in an existing directory
     * @return this builder
     */
    public TrainingEventEmitterBuilder filePath(Path path) {
        this.filePath = Objects.requireNonNull(path, "filePath");
        settings.remove(EmitterSetting.FILE.key());
        return this;
    }

    /**
     * Write each event before the emit call returns (default: {@code false}, a background thread
     * writes). A synchronous emit waits for the socket up to {@link #writeTimeout(Duration)}.
     *
     * @param synchronous {@code true} to write on the calling thread
     * @return this builder
     */
    public TrainingEventEmitterBuilder synchronous(boolean synchronous) {
        this.synchronous = synchronous;
        return this;
    }

    /**
     * Append every event to the file, and also send it live to the socket (default {@code false}).
     *
     * @param journal {@code true} to keep the file a complete record of the run
     * @return this builder
     */
    public TrainingEventEmitterBuilder journal(boolean journal) {
        this.journal = journal;
        return this;
    }

    /**
     * Events the queue holds before emit calls wait (rounded up to a power of two; default 8192).
     *
     * @param capacity events, at least 2
     * @return this builder
     */
    public TrainingEventEmitterBuilder queueCapacity(int capacity) {
        this.queueCapacity = capacity;
        return this;
    }

    /**
     * Events held, in emit order, beyond a full queue before emit calls wait (default 262 144).
     * They cost an allocation each, so the queue itself stays garbage-free.
     *
     * @param events events, 0 or more
     * @return this builder
     */
    public TrainingEventEmitterBuilder overflowCapacity(int events) {
        this.overflowCapacity = events;
        return this;
    }

    /**
     * The longest an emit call waits when the queue and its overflow are both full; after that
     * the event is dropped, counted in {@code stats().droppedQueueFull()} and warned about
     * (default 20 ms, at most 50 ms).
     *
     * @param wait from 0 to 50 ms
     * @return this builder
     */
    public TrainingEventEmitterBuilder maxEmitBlock(Duration wait) {
        this.maxEmitBlock = Objects.requireNonNull(wait, "maxEmitBlock");
        return this;
    }

    /**
     * How long a reader may leave the socket full before delivery moves to the file (default 250 ms).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public TrainingEventEmitterBuilder writeTimeout(Duration timeout) {
        this.writeTimeout = Objects.requireNonNull(timeout, "writeTimeout");
        return this;
    }

    /**
     * First and longest wait between attempts to reach the socket again (defaults 100 ms and 2 s).
     *
     * @param first the wait after the first failed attempt
     * @param longest the longest wait, reached by doubling
     * @return this builder
     */
    public TrainingEventEmitterBuilder reconnectBackoff(Duration first, Duration longest) {
        this.reconnectMin = Objects.requireNonNull(first, "first");
        this.reconnectMax = Objects.requireNonNull(longest, "longest");
        return this;
    }

    /**
     * Bytes of recently sent lines kept to be written to the file if the socket fails (default
     * 1 MiB; never less than twice the socket's send buffer).
     *
     * @param bytes how many bytes of recent lines to keep
     * @return this builder
     */
    public TrainingEventEmitterBuilder replayBytes(int bytes) {
        this.replayBytes = bytes;
        return this;
    }

    /**
     * The longest {@code flush()} waits (default 5 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public TrainingEventEmitterBuilder flushTimeout(Duration timeout) {
        this.flushTimeout = Objects.requireNonNull(timeout, "flushTimeout");
        return this;
    }

    /**
     * The longest {@code close()} (and the JVM shutdown hook) waits for queued events (default 3 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public TrainingEventEmitterBuilder closeTimeout(Duration timeout) {
        this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
        return this;
    }

    /**
     * Whether a JVM shutdown hook delivers what is queued and reports an unfinished run as
     * {@code cancelled} (default {@code true}).
     *
     * @param install {@code false} when the application closes the emitter itself
     * @return this builder
     */
    public TrainingEventEmitterBuilder shutdownHook(boolean install) {
        this.shutdownHook = install;
        return this;
    }

    /**
     * Longest string written in any field; longer ones are cut and end in
     * {@code ...[truncated]} (default 4096, from 64 to {@value #MAX_STRING_CHARS_LIMIT}).
     * A line is then at most {@code 30 × maxStringChars + 131 072} bytes (253 952 bytes by default).
     *
     * @param chars from 64 to {@value #MAX_STRING_CHARS_LIMIT}
     * @return this builder
     */
    public TrainingEventEmitterBuilder maxStringChars(int chars) {
        this.maxStringChars = chars;
        return this;
    }

    /**
     * Throw {@link IllegalArgumentException} from emit calls whose arguments are invalid, instead
     * of writing a repaired line (default {@code false}). For tests that want bugs to fail.
     *
     * @param strict {@code true} to throw on invalid arguments
     * @return this builder
     */
    public TrainingEventEmitterBuilder strict(boolean strict) {
        this.strict = strict;
        return this;
    }

    /**
     * At most one warning of each kind per interval (default 30 s).
     *
     * @param interval a positive duration
     * @return this builder
     */
    public TrainingEventEmitterBuilder warningInterval(Duration interval) {
        this.warningInterval = Objects.requireNonNull(interval, "warningInterval");
        return this;
    }

    /**
     * This process's worker or rank in a multi-process run, written as {@code worker} on every
     * line so that one run's events from many processes can be told apart (default: the
     * {@link EmitterSetting#WORKER} property or variable, else none).
     *
     * @param worker a non-blank id, e.g. {@code "rank-3"}
     * @return this builder
     */
    public TrainingEventEmitterBuilder worker(String worker) {
        this.worker = Objects.requireNonNull(worker, "worker");
        settings.remove(EmitterSetting.WORKER.key());
        return this;
    }

    /**
     * Tags for the {@code run_start} event, e.g. {@code Map.of("experiment", "baseline")}, in the
     * map's order (default: the {@link EmitterSetting#TAGS} setting, {@code k=v,k2=v2}, else none). At most
     * {@value #MAX_TAGS} tags with non-blank keys; keys and values longer than 128 characters are cut.
     *
     * @param tags key to value, copied now
     * @return this builder
     */
    public TrainingEventEmitterBuilder tags(Map<String, String> tags) {
        this.tags = new LinkedHashMap<>(Objects.requireNonNull(tags, "tags"));
        settings.remove(EmitterSetting.TAGS.key());
        return this;
    }

    /**
     * The run's hyperparameters, written once as the {@code params} object of the
     * {@code run_start} event in the map's order, e.g.
     * {@code Map.of("learning_rate", 0.05, "max_depth", 6, "objective", "binary:logistic")}.
     * Values are written as strings, numbers (integers as integers), booleans or {@code null};
     * anything else as its {@code String.valueOf}. At most {@value #MAX_PARAMS} with non-blank
     * names; names and string values longer than 128 characters are cut (default: none).
     *
     * @param params name to value, copied now; {@code null} or empty for none
     * @return this builder
     * @throws IllegalArgumentException when the map cannot be read (another thread changing it)
     */
    public TrainingEventEmitterBuilder params(Map<String, ?> params) {
        if (params == null || params.isEmpty()) {
            this.params = null;
            return this;
        }
        try {
            this.params = new LinkedHashMap<>(params);
        } catch (RuntimeException unreadable) {
            throw new IllegalArgumentException("params(...) could not be read (" + unreadable
                    + "): pass a map that no other thread changes, e.g. a copy");
        }
        return this;
    }

    /**
     * Whether the emitter starts with a {@code run_start} event (default {@code true}).
     *
     * @param emit {@code false} to start without it
     * @return this builder
     */
    public TrainingEventEmitterBuilder runStartEvent(boolean emit) {
        this.runStartEvent = emit;
        return this;
    }

    /**
     * Sends a {@code heartbeat} event, repeating the current stage, progress and target, whenever
     * nothing was emitted for {@code interval}, so that a dashboard can tell a long silent model
     * fit from a dead process. Off by default (also settable in seconds, {@link EmitterSetting#HEARTBEAT_SECONDS});
     * from one second ({@link #MIN_HEARTBEAT}) to 24 hours ({@link #MAX_HEARTBEAT}).
     *
     * @param interval from 1 second to 24 hours
     * @return this builder
     */
    public TrainingEventEmitterBuilder heartbeat(Duration interval) {
        this.heartbeatInterval = Objects.requireNonNull(interval, "heartbeat");
        settings.remove(EmitterSetting.HEARTBEAT_SECONDS.key());
        return this;
    }

    /**
     * Sets one setting by name, over its system property and environment variable: one of
     * {@link EmitterSetting}'s ({@code "socket"}, {@code "heartbeat.seconds"}, ...; the later of
     * this and the setting's own method wins) or a transport's ({@code "kafka.bootstrap"}), which
     * is passed on unread. The value is checked at build time, as the property's would be.
     *
     * @param name the short name, without {@value EmitterSetting#PREFIX}
     * @param value the value as text; {@code null} drops what an earlier call set
     * @return this builder
     * @throws IllegalArgumentException for a name neither the emitter's nor a transport's, listing the known ones
     */
    public TrainingEventEmitterBuilder setting(String name, String value) {
        String key = ConfigResolver.settingKey(name);
        if (value == null) {
            settings.remove(key);
        } else {
            settings.put(key, value);
        }
        EmitterSetting own = EmitterSetting.forKey(key);
        if (own != null) {
            switch (own) { // the later of this and the setting's own method wins
                case SOCKET -> socketPath = null;
                case FILE -> filePath = null;
                case MODE -> synchronous = journal = null;
                case WORKER -> worker = null;
                case TAGS -> tags = null;
                case HEARTBEAT_SECONDS -> heartbeatInterval = null;
            }
        }
        return this;
    }

    /** For tests: where environment variables are read from, name by name (they give no extensions). */
    TrainingEventEmitterBuilder environment(UnaryOperator<String> env) {
        this.environment = Source.lookup(env);
        return this;
    }

    /** For tests: where system properties are read from, name by name (they give no extensions). */
    TrainingEventEmitterBuilder properties(UnaryOperator<String> props) {
        this.properties = Source.lookup(props);
        return this;
    }

    /** For tests: all the system properties and environment variables there are. */
    TrainingEventEmitterBuilder sources(Map<String, String> props, Map<String, String> env) {
        this.properties = Source.of(props);
        this.environment = Source.of(env);
        return this;
    }

    /**
     * Validates the settings and starts the emitter.
     *
     * @return the started emitter; close it (or let the JVM shutdown hook do so) when the run ends
     * @throws IllegalArgumentException when a setting is unusable; the message names the setting
     *     (and the environment variable or property it came from) and what to fix
     */
    public DefaultTrainingEventEmitter build() {
        return new DefaultTrainingEventEmitter(config());
    }

    /** Resolves the settings (this builder, properties, environment, defaults) and validates them. */
    EmitterConfig config() {
        BuilderChoices choices = new BuilderChoices(runId, socketPath, filePath, synchronous, journal, queueCapacity,
                overflowCapacity, maxEmitBlock, writeTimeout, reconnectMin, reconnectMax, replayBytes, flushTimeout,
                closeTimeout, shutdownHook, maxStringChars, strict, warningInterval, worker, tags, params,
                runStartEvent, heartbeatInterval);
        return choices.resolve(new ConfigResolver(properties, environment, settings));
    }
}
