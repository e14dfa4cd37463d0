package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.encode.ArgumentProblems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Configures a {@link DefaultTrainingEventEmitter}. Every setting has a default; where events go
 * is, in order of precedence: this builder, the system properties
 * {@value #SOCKET_PROPERTY} / {@value #FILE_PROPERTY} / {@value #MODE_PROPERTY}, the environment
 * variables {@value #SOCKET_ENV} / {@value #FILE_ENV} / {@value #MODE_ENV}, and the defaults the dashboard bridge expects
 * {@value #DEFAULT_SOCKET} / {@value #DEFAULT_FILE}.
 *
 * <p>{@link #build()} validates everything and throws {@link IllegalArgumentException} with a
 * message that says what to fix; once built, the emitter itself never throws.
 */
public final class TrainingEventEmitterBuilder {
    /** Environment variable naming the bridge's Unix socket. */
    public static final String SOCKET_ENV = "FOXML_TRAINING_EVENT_SOCKET";
    /** Environment variable naming the fallback file. */
    public static final String FILE_ENV = "FOXML_TRAINING_EVENT_FILE";
    /** Environment variable choosing the mode: {@code async}, {@code sync}, {@code journal} or {@code sync-journal}. */
    public static final String MODE_ENV = "FOXML_TRAINING_EVENT_MODE";
    /** Environment variable naming this process's worker or rank. */
    public static final String WORKER_ENV = "FOXML_TRAINING_EVENT_WORKER";
    /** Environment variable turning the heartbeat on: its interval in seconds. */
    public static final String HEARTBEAT_ENV = "FOXML_TRAINING_EVENT_HEARTBEAT_SECONDS";
    /** Environment variable with the run_start tags, as {@code k=v,k2=v2}. */
    public static final String TAGS_ENV = "FOXML_TRAINING_EVENT_TAGS";
    /** System property naming the bridge's Unix socket; wins over {@link #SOCKET_ENV}. */
    public static final String SOCKET_PROPERTY = "foxml.training.event.socket";
    /** System property naming the fallback file; wins over {@link #FILE_ENV}. */
    public static final String FILE_PROPERTY = "foxml.training.event.file";
    /** System property choosing the mode; wins over {@link #MODE_ENV}. */
    public static final String MODE_PROPERTY = "foxml.training.event.mode";
    /** System property naming this process's worker or rank; wins over {@link #WORKER_ENV}. */
    public static final String WORKER_PROPERTY = "foxml.training.event.worker";
    /** System property turning the heartbeat on (seconds); wins over {@link #HEARTBEAT_ENV}. */
    public static final String HEARTBEAT_PROPERTY = "foxml.training.event.heartbeat.seconds";
    /** System property with the run_start tags; wins over {@link #TAGS_ENV}. */
    public static final String TAGS_PROPERTY = "foxml.training.event.tags";
    /** The socket used when nothing else is configured, as the dashboard bridge expects. */
    public static final String DEFAULT_SOCKET = "/tmp/foxml_training_events.sock";
    /** The fallback file used when nothing else is configured, as the dashboard bridge reads. */
    public static final String DEFAULT_FILE = "/tmp/foxml_training_events.jsonl";

    /** The longest socket path Linux accepts: {@code sun_path} is 108 bytes including the NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    /** The longest allowed {@link #maxStringChars(int)}; keeps every line well under 1 MiB. */
    public static final int MAX_STRING_CHARS_LIMIT = 16_384;
    /** The longest {@link #maxEmitBlock(Duration)}: the bound promised to trainers. */
    public static final Duration MAX_EMIT_BLOCK_LIMIT = Duration.ofMillis(50);
    /** The most tags a run_start may carry. */
    public static final int MAX_TAGS = 32;
    /** The most hyperparameters a run_start may carry. */
    public static final int MAX_PARAMS = 32;
    /** The shortest {@link #heartbeat(Duration)} interval. */
    public static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);
    /**
     * The longest {@link #heartbeat(Duration)} interval: a dashboard that hears nothing for a day
     * has long stopped waiting. (Longer values used to be accepted and then stopped the heartbeat.)
     */
    public static final Duration MAX_HEARTBEAT = Duration.ofHours(24);

    public final String runId;
    Path socketPath;
    Path filePath;
    Boolean synchronous;
    Boolean journal;
    public int queueCapacity = 8192;
    public int overflowCapacity = 262_144;
    public Duration maxEmitBlock = Duration.ofMillis(20);
    public Duration writeTimeout = Duration.ofMillis(250);
    public Duration reconnectMin = Duration.ofMillis(100);
    public Duration reconnectMax = Duration.ofSeconds(2);
    public int replayBytes = 1 << 20;
    public Duration flushTimeout = Duration.ofSeconds(5);
    public Duration closeTimeout = Duration.ofSeconds(3);
    public boolean shutdownHook = true;
    public int maxStringChars = 4096;
    public boolean strict;
    public Duration warningInterval = Duration.ofSeconds(30);
    String worker;
    java.util.Map<String, String> tags;
    public java.util.Map<String, Object> params;
    public boolean runStartEvent = true;
    Duration heartbeatInterval;
    UnaryOperator<String> environment = System::getenv;
    UnaryOperator<String> properties = System::getProperty;

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
     * {@value EventEncoder#TRUNCATION_MARKER} (default 4096, from 64 to {@value #MAX_STRING_CHARS_LIMIT}).
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
     * {@value #WORKER_PROPERTY} property or {@value #WORKER_ENV} variable, else none).
     *
     * @param worker a non-blank id, e.g. {@code "rank-3"}
     * @return this builder
     */
    public TrainingEventEmitterBuilder worker(String worker) {
        this.worker = Objects.requireNonNull(worker, "worker");
        return this;
    }

    /**
     * Tags for the {@code run_start} event, e.g. {@code Map.of("experiment", "baseline")}, in the
     * map's order (default: {@value #TAGS_ENV} as {@code k=v,k2=v2}, else none). At most
     * {@value #MAX_TAGS} tags with non-blank keys; keys and values longer than 128 characters are cut.
     *
     * @param tags key to value, copied now
     * @return this builder
     */
    public TrainingEventEmitterBuilder tags(java.util.Map<String, String> tags) {
        this.tags = new java.util.LinkedHashMap<>(Objects.requireNonNull(tags, "tags"));
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
    public TrainingEventEmitterBuilder params(java.util.Map<String, ?> params) {
        if (params == null || params.isEmpty()) {
            this.params = null;
            return this;
        }
        try {
            this.params = new java.util.LinkedHashMap<>(params);
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
     * fit from a dead process. Off by default (also settable as {@value #HEARTBEAT_ENV} seconds);
     * from one second ({@link #MIN_HEARTBEAT}) to 24 hours ({@link #MAX_HEARTBEAT}).
     *
     * @param interval from 1 second to 24 hours
     * @return this builder
     */
    public TrainingEventEmitterBuilder heartbeat(Duration interval) {
        this.heartbeatInterval = Objects.requireNonNull(interval, "heartbeat");
        return this;
    }

    /** For tests: where environment variables are read from. */
    TrainingEventEmitterBuilder environment(UnaryOperator<String> env) {
        this.environment = env;
        return this;
    }

    /** For tests: where system properties are read from. */
    TrainingEventEmitterBuilder properties(UnaryOperator<String> props) {
        this.properties = props;
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

    EmitterConfig config() {
        if (runId == null) {
            throw new IllegalArgumentException("the run id is null: pass the id of the training run");
        }
        if (strict && runId.isEmpty()) {
            throw new IllegalArgumentException("the run id is empty (strict mode): pass the id of the training run");
        }
        Path socket = socketPath != null ? checkSocketPath(checkPathText(socketPath, "socketPath(...)"), "socketPath(...)")
                : resolvePath(SOCKET_PROPERTY, SOCKET_ENV, DEFAULT_SOCKET, true);
        Path file = filePath != null ? checkFilePath(checkPathText(filePath, "filePath(...)"), "filePath(...)")
                : resolvePath(FILE_PROPERTY, FILE_ENV, DEFAULT_FILE, false);
        boolean sync;
        boolean journaled;
        String fileOrigin = describeOrigin(filePath != null, FILE_PROPERTY, FILE_ENV, "filePath(...)");
        if (socket.equals(file)) {
            throw new IllegalArgumentException("the socket and the event file are both " + socket
                    + ": give the file its own path (" + fileOrigin + ")");
        }
        checkDirectories(socket, file, fileOrigin);
        String mode = setting(MODE_PROPERTY, MODE_ENV);
        if (mode != null && mode.isBlank()) {
            throw new IllegalArgumentException(origin(MODE_PROPERTY, MODE_ENV)
                    + " is empty: set it to one of async, sync, journal, sync-journal, or unset it (async)");
        }
        if (mode == null) {
            sync = false;
            journaled = false;
        } else {
            switch (mode.trim().toLowerCase(Locale.ROOT)) {
                case "async": sync = false; journaled = false; break;
                case "sync": sync = true; journaled = false; break;
                case "journal": sync = false; journaled = true; break;
                case "sync-journal": sync = true; journaled = true; break;
                default:
                    throw new IllegalArgumentException(origin(MODE_PROPERTY, MODE_ENV) + " is '" + mode
                            + "': use one of async, sync, journal, sync-journal");
            }
        }
        if (synchronous != null) {
            sync = synchronous;
        }
        if (journal != null) {
            journaled = journal;
        }
        positive(queueCapacity, "queueCapacity", 1 << 24);
        if (queueCapacity < 2) {
            throw new IllegalArgumentException("queueCapacity is " + queueCapacity + ": use at least 2");
        }
        if (overflowCapacity < 0 || overflowCapacity > 1 << 24) {
            throw new IllegalArgumentException("overflowCapacity is " + overflowCapacity
                    + ": use a value from 0 to " + (1 << 24));
        }
        nonNegative(maxEmitBlock, "maxEmitBlock");
        if (maxEmitBlock.compareTo(MAX_EMIT_BLOCK_LIMIT) > 0) {
            throw new IllegalArgumentException("maxEmitBlock is " + maxEmitBlock.toMillis()
                    + " ms: an emit call may block the trainer for at most 50 ms; use a smaller value");
        }
        positive(writeTimeout, "writeTimeout");
        positive(reconnectMin, "reconnectBackoff(first, ...)");
        positive(reconnectMax, "reconnectBackoff(..., longest)");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoff: longest (" + reconnectMax.toMillis()
                    + " ms) is shorter than first (" + reconnectMin.toMillis() + " ms)");
        }
        positive(replayBytes, "replayBytes", 1 << 28);
        nonNegative(flushTimeout, "flushTimeout");
        nonNegative(closeTimeout, "closeTimeout");
        nonNegative(warningInterval, "warningInterval");
        if (maxStringChars < 64 || maxStringChars > MAX_STRING_CHARS_LIMIT) {
            throw new IllegalArgumentException("maxStringChars is " + maxStringChars
                    + ": use a value from 64 to " + MAX_STRING_CHARS_LIMIT);
        }
        if (strict) {
            int problems = ArgumentProblems.required(runId, maxStringChars) | ArgumentProblems.characters(runId);
            if (problems != 0) {
                throw new IllegalArgumentException("the run id is invalid (strict mode): "
                        + ArgumentProblems.describe(problems));
            }
        }
        String workerId = worker != null ? worker : setting(WORKER_PROPERTY, WORKER_ENV);
        if (workerId != null && workerId.isBlank()) {
            throw new IllegalArgumentException(worker != null ? "worker(...) is blank: pass the worker or rank id"
                    : origin(WORKER_PROPERTY, WORKER_ENV) + " is empty: set it to the worker or rank id, or unset it");
        }
        java.util.Map<String, String> tagMap = tags != null ? tags : parseTags(setting(TAGS_PROPERTY, TAGS_ENV));
        String tagOrigin = tags != null ? "tags(...)" : origin(TAGS_PROPERTY, TAGS_ENV);
        if (tagMap.size() > MAX_TAGS) {
            throw new IllegalArgumentException(tagOrigin + " has " + tagMap.size() + " tags: use at most " + MAX_TAGS);
        }
        for (String key : tagMap.keySet()) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(tagOrigin + " has a tag with a blank key: give every tag a name");
            }
        }
        checkParams();
        Duration heartbeat = heartbeatInterval != null ? checkHeartbeat(heartbeatInterval) : heartbeatFromSetting();
        return new EmitterConfig(this, socket, file, sync, journaled, workerId, tagMap, heartbeat);
    }

    private static Duration checkHeartbeat(Duration interval) {
        if (interval.compareTo(MIN_HEARTBEAT) < 0) {
            throw new IllegalArgumentException("heartbeat(...) is " + describeSeconds(interval)
                    + ": use at least 1 second (and at most 24 hours), or leave the heartbeat off");
        }
        if (interval.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException("heartbeat(...) is " + describeSeconds(interval)
                    + ": use at most 24 hours (" + MAX_HEARTBEAT.getSeconds() + " s), or leave the heartbeat off");
        }
        return interval;
    }

    private static String describeSeconds(Duration d) {
        return d.getSeconds() >= 10 || d.isNegative() ? d.getSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The heartbeat from {@value #HEARTBEAT_PROPERTY} / {@value #HEARTBEAT_ENV}: seconds, finite, in range. */
    private Duration heartbeatFromSetting() {
        String text = setting(HEARTBEAT_PROPERTY, HEARTBEAT_ENV);
        if (text == null) {
            return null;
        }
        String fix = ": give the heartbeat interval in seconds, from 1 to " + MAX_HEARTBEAT.getSeconds()
                + " (24 hours), e.g. 30; or unset it to leave the heartbeat off";
        double seconds;
        try {
            seconds = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(origin(HEARTBEAT_PROPERTY, HEARTBEAT_ENV) + " is " + quoted(text) + fix);
        }
        // NaN fails both comparisons' negation: !(x >= min) catches it, as it does -Infinity.
        if (!(seconds >= MIN_HEARTBEAT.getSeconds()) || !(seconds <= MAX_HEARTBEAT.getSeconds())) {
            String what = Double.isNaN(seconds) || Double.isInfinite(seconds) ? ", not a finite number"
                    : seconds < MIN_HEARTBEAT.getSeconds() ? ", less than 1 second: use at least 1 second"
                    : ", more than 24 hours";
            throw new IllegalArgumentException(origin(HEARTBEAT_PROPERTY, HEARTBEAT_ENV) + " is " + quoted(text)
                    + what + fix);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /**
     * Refuses a configuration in which no event can ever be delivered: the directories of both
     * the event file and the socket are missing (the emitter creates no directories). A missing
     * directory of one of them only is reported when the emitter starts.
     */
    private void checkDirectories(Path socket, Path file, String fileOrigin) {
        Path fileDir = file.getParent();
        Path socketDir = socket.getParent();
        if (fileDir == null || socketDir == null || Files.isDirectory(fileDir) || Files.isDirectory(socketDir)) {
            return;
        }
        String socketOrigin = describeOrigin(socketPath != null, SOCKET_PROPERTY, SOCKET_ENV, "socketPath(...)");
        String missing = fileDir.equals(socketDir)
                ? "the directory " + fileDir + " of both the event file (" + fileOrigin + ") and the socket ("
                        + socketOrigin + ") does not exist"
                : "the directory " + fileDir + " of the event file (" + fileOrigin + ") does not exist, nor does "
                        + socketDir + ", the directory of the socket (" + socketOrigin + ")";
        throw new IllegalArgumentException("no event could ever be delivered: " + missing
                + "; create the directory (the emitter creates none), or point the event file at an existing"
                + " directory, e.g. " + DEFAULT_FILE);
    }

    /**
     * Refuses a path with leading or trailing whitespace or a control character anywhere: such a
     * path is almost always a copy-and-paste or quoting slip (a socket path ending in a newline
     * never connects), and nothing would say so later.
     */
    private static Path checkPathText(Path path, String where) {
        checkPathText(path.toString(), where);
        return path;
    }

    private static void checkPathText(String value, String where) {
        String stripped = value.strip();
        boolean leading = !value.isEmpty() && isBlankChar(value.charAt(0));
        boolean trailing = !value.isEmpty() && isBlankChar(value.charAt(value.length() - 1));
        boolean control = stripped.chars().anyMatch(c -> isControl((char) c));
        if (leading || trailing) {
            String first = describeChar(value.charAt(0));
            String last = describeChar(value.charAt(value.length() - 1));
            String what = leading && trailing ? "begins with " + first + " and ends with " + last
                    : leading ? "begins with " + first : "ends with " + last;
            throw new IllegalArgumentException(where + " is " + quoted(value) + ": it " + what
                    + (control ? " and contains control characters; remove them"
                            : "; remove it: set it to " + quoted(stripped)));
        }
        if (control) {
            char c = (char) stripped.chars().filter(ch -> isControl((char) ch)).findFirst().getAsInt();
            throw new IllegalArgumentException(where + " is " + quoted(value) + ": it contains "
                    + describeChar(c) + ", so it is not a usable path; set it to an absolute path"
                    + " without control characters");
        }
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    private static boolean isBlankChar(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static String describeChar(char c) {
        switch (c) {
            case ' ': return "a space";
            case '\n': return "a newline (\\n)";
            case '\r': return "a carriage return (\\r)";
            case '\t': return "a tab (\\t)";
            default: return "the character " + escape(c);
        }
    }

    /** The value in double quotes, every control or invisible character written as an escape. */
    static String quoted(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == ' ' || !(isControl(c) || isBlankChar(c))) {
                sb.append(c);
            } else {
                sb.append(escape(c));
            }
        }
        return sb.append('"').toString();
    }

    private static String escape(char c) {
        switch (c) {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default: return String.format(Locale.ROOT, "\\u%04x", (int) c);
        }
    }

    private void checkParams() {
        if (params == null) {
            return;
        }
        if (params.size() > MAX_PARAMS) {
            throw new IllegalArgumentException("params(...) has " + params.size() + " entries: use at most "
                    + MAX_PARAMS + " (the ones worth seeing beside the run; log the rest elsewhere)");
        }
        for (String name : params.keySet()) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("params(...) has a blank or null name: give every parameter a name");
            }
        }
    }

    private java.util.Map<String, String> parseTags(String text) {
        java.util.Map<String, String> parsed = new java.util.LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return parsed;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(origin(TAGS_PROPERTY, TAGS_ENV) + " has '" + pair
                        + "': write tags as key=value pairs separated by commas, e.g. experiment=baseline,seed=7");
            }
            parsed.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return parsed;
    }

    private String setting(String property, String env) {
        String value = properties.apply(property);
        if (value != null) {
            return value;
        }
        return environment.apply(env);
    }

    private String origin(String property, String env) {
        return properties.apply(property) != null ? "the system property " + property
                : "the environment variable " + env;
    }

    private String describeOrigin(boolean fromBuilder, String property, String env, String builderMethod) {
        if (fromBuilder) {
            return builderMethod;
        }
        return setting(property, env) != null ? origin(property, env) : "the default";
    }

    private Path resolvePath(String property, String env, String fallback, boolean socket) {
        String value = setting(property, env);
        if (value == null) {
            return Path.of(fallback);
        }
        String where = origin(property, env);
        if (value.isBlank()) {
            throw new IllegalArgumentException(where + " is empty: set it to an absolute path or unset it"
                    + " to use " + fallback);
        }
        checkPathText(value, where);
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(where + " is not a usable path (" + e.getReason()
                    + "): set it to an absolute path");
        }
        return socket ? checkSocketPath(path, where) : checkFilePath(path, where);
    }

    private static Path checkSocketPath(Path path, String where) {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(where + " is the relative path '" + path
                    + "': the socket path must be absolute, e.g. " + path.toAbsolutePath());
        }
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException(where + " is " + bytes + " bytes long: Unix sockets allow at most "
                    + MAX_SOCKET_PATH_BYTES + "; use a shorter path (e.g. in /tmp or $XDG_RUNTIME_DIR)");
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(where + " is the directory " + path
                    + ": name the socket in it, e.g. " + path.resolve("foxml_training_events.sock"));
        }
        return path;
    }

    private static Path checkFilePath(Path path, String where) {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(where + " is the relative path '" + path
                    + "': the event file path must be absolute, e.g. " + path.toAbsolutePath());
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(where + " is the directory " + path
                    + ": name a file in it, e.g. " + path.resolve("foxml_training_events.jsonl"));
        }
        return path;
    }

    private static void positive(int value, String name, int max) {
        if (value <= 0 || value > max) {
            throw new IllegalArgumentException(name + " is " + value + ": use a value from 1 to " + max);
        }
    }

    private static void positive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " is " + value + ": use a positive duration");
        }
    }

    private static void nonNegative(Duration value, String name) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " is " + value + ": use zero or a positive duration");
        }
    }
}
