package dev.foxml.training.events.core.config;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.events.core.config.ConfigResolver.Origin;
import dev.foxml.training.events.core.config.ConfigResolver.Value;
import dev.foxml.training.events.core.encode.ArgumentProblems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Judges resolved settings: parses the text of properties and environment variables, checks every
 * value against its range, and refuses what cannot work with an {@link IllegalArgumentException}
 * whose message names the setting, where its value came from ({@link Value#where()}), the value
 * (quoted, invisible characters escaped) and the fix.
 *
 * <p>A little over 400 lines: one short check per setting, most of each its message; split, the
 * checks would no longer read as one list of what a configuration must satisfy.
 */
public final class ConfigValidation {
    /** The longest socket path Linux accepts: {@code sun_path} is 108 bytes including the NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    /** The longest allowed {@code maxStringChars}; keeps every line well under 1 MiB. */
    public static final int MAX_STRING_CHARS_LIMIT = 16_384;
    /** The longest {@code maxEmitBlock}: the bound promised to trainers. */
    public static final Duration MAX_EMIT_BLOCK_LIMIT = Duration.ofMillis(50);
    /** The most tags a run_start may carry. */
    public static final int MAX_TAGS = 32;
    /** The most hyperparameters a run_start may carry. */
    public static final int MAX_PARAMS = 32;
    /** The shortest heartbeat interval. */
    public static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);
    /** The longest heartbeat interval: a dashboard that hears nothing for a day has long stopped waiting. */
    public static final Duration MAX_HEARTBEAT = Duration.ofHours(24);

    private ConfigValidation() {
    }

    /**
     * How events are written, from the mode setting.
     *
     * @param synchronous the emit call writes
     * @param journal every event also goes to the file
     */
    record Mode(boolean synchronous, boolean journal) {
    }

    /**
     * Refuses a run id that is {@code null}, or empty in strict mode.
     *
     * @param runId the run id
     * @param strict whether strict mode is on
     */
    static void runIdPresent(String runId, boolean strict) {
        if (runId == null) {
            throw new IllegalArgumentException("the run id is null: pass the id of the training run");
        }
        if (strict && runId.isEmpty()) {
            throw new IllegalArgumentException("the run id is empty (strict mode): pass the id of the training run");
        }
    }

    /**
     * Refuses, in strict mode, a run id that would have to be repaired (control characters, too long).
     *
     * @param runId the run id, not null
     * @param strict whether strict mode is on
     * @param maxStringChars the longest string written
     */
    static void runIdStrict(String runId, boolean strict, int maxStringChars) {
        if (strict) {
            int problems = ArgumentProblems.required(runId, maxStringChars) | ArgumentProblems.characters(runId);
            if (problems != 0) {
                throw new IllegalArgumentException("the run id is invalid (strict mode): "
                        + ArgumentProblems.describe(problems));
            }
        }
    }

    /**
     * Parses a path setting's text: not blank, no stray white space or control character, a path.
     * The default is taken as it is.
     *
     * @param text the text and its origin
     * @return the path with the text's origin, not yet checked as a socket or file path
     */
    static Value<Path> path(Value<String> text) {
        if (!text.isSet()) {
            return text.parsed(Path.of(text.value()));
        }
        String value = text.value();
        if (value.isBlank()) {
            EmitterSetting setting = EmitterSetting.forKey(text.key());
            throw new IllegalArgumentException(text.where() + " is empty: set it to an absolute path or unset it"
                    + " to use " + (setting == null ? "the default" : setting.defaultValue()));
        }
        checkPathText(value, text.where());
        try {
            return text.parsed(Path.of(value));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(text.where() + " is not a usable path (" + e.getReason()
                    + "): set it to an absolute path");
        }
    }

    /**
     * Checks the socket's path: absolute, at most {@value #MAX_SOCKET_PATH_BYTES} bytes, not a directory.
     *
     * @param socket the resolved path; the default is not checked
     * @return the path
     */
    static Path socketPath(Value<Path> socket) {
        if (!socket.isSet()) {
            return socket.value();
        }
        Path path = socket.value();
        String where = socket.where();
        checkPathText(path.toString(), where);
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

    /**
     * Checks the event file's path: absolute, not a directory.
     *
     * @param file the resolved path; the default is not checked
     * @return the path
     */
    static Path filePath(Value<Path> file) {
        if (!file.isSet()) {
            return file.value();
        }
        Path path = file.value();
        String where = file.where();
        checkPathText(path.toString(), where);
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

    /**
     * Refuses a configuration in which no event can ever be delivered, or lines would go to the
     * socket's own path: the socket and the file are the same path, or the directories of both are
     * missing (the emitter creates no directories). A missing directory of one of them only is
     * reported when the emitter starts.
     *
     * @param socket the checked socket path
     * @param file the checked file path
     */
    static void deliverable(Value<Path> socket, Value<Path> file) {
        if (socket.value().equals(file.value())) {
            throw new IllegalArgumentException("the socket and the event file are both " + socket.value()
                    + ": give the file its own path (" + file.where() + ")");
        }
        Path fileDir = file.value().getParent();
        Path socketDir = socket.value().getParent();
        if (fileDir == null || socketDir == null || Files.isDirectory(fileDir) || Files.isDirectory(socketDir)) {
            return;
        }
        String missing = fileDir.equals(socketDir)
                ? "the directory " + fileDir + " of both the event file (" + file.where() + ") and the socket ("
                        + socket.where() + ") does not exist"
                : "the directory " + fileDir + " of the event file (" + file.where() + ") does not exist, nor does "
                        + socketDir + ", the directory of the socket (" + socket.where() + ")";
        throw new IllegalArgumentException("no event could ever be delivered: " + missing
                + "; create the directory (the emitter creates none), or point the event file at an existing"
                + " directory, e.g. " + EmitterSetting.DEFAULT_FILE);
    }

    /**
     * Parses the mode: {@code async}, {@code sync}, {@code journal} or {@code sync-journal}, in any
     * case, surrounding white space ignored.
     *
     * @param text the mode's text and origin
     * @return the mode
     */
    static Mode mode(Value<String> text) {
        String mode = text.value();
        if (mode.isBlank()) {
            throw new IllegalArgumentException(text.where()
                    + " is empty: set it to one of async, sync, journal, sync-journal, or unset it (async)");
        }
        switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "async": return new Mode(false, false);
            case "sync": return new Mode(true, false);
            case "journal": return new Mode(false, true);
            case "sync-journal": return new Mode(true, true);
            default:
                throw new IllegalArgumentException(text.where() + " is '" + mode
                        + "': use one of async, sync, journal, sync-journal");
        }
    }

    /**
     * Checks the builder's limits and timings against their ranges.
     *
     * @param c the builder's choices
     */
    static void limits(BuilderChoices c) {
        positive(c.queueCapacity(), "queueCapacity", 1 << 24);
        if (c.queueCapacity() < 2) {
            throw new IllegalArgumentException("queueCapacity is " + c.queueCapacity() + ": use at least 2");
        }
        if (c.overflowCapacity() < 0 || c.overflowCapacity() > 1 << 24) {
            throw new IllegalArgumentException("overflowCapacity is " + c.overflowCapacity()
                    + ": use a value from 0 to " + (1 << 24));
        }
        nonNegative(c.maxEmitBlock(), "maxEmitBlock");
        if (c.maxEmitBlock().compareTo(MAX_EMIT_BLOCK_LIMIT) > 0) {
            throw new IllegalArgumentException("maxEmitBlock is " + c.maxEmitBlock().toMillis()
                    + " ms: an emit call may block the trainer for at most 50 ms; use a smaller value");
        }
        positive(c.writeTimeout(), "writeTimeout");
        positive(c.reconnectMin(), "reconnectBackoff(first, ...)");
        positive(c.reconnectMax(), "reconnectBackoff(..., longest)");
        if (c.reconnectMax().compareTo(c.reconnectMin()) < 0) {
            throw new IllegalArgumentException("reconnectBackoff: longest (" + c.reconnectMax().toMillis()
                    + " ms) is shorter than first (" + c.reconnectMin().toMillis() + " ms)");
        }
        positive(c.replayBytes(), "replayBytes", 1 << 28);
        nonNegative(c.flushTimeout(), "flushTimeout");
        nonNegative(c.closeTimeout(), "closeTimeout");
        nonNegative(c.warningInterval(), "warningInterval");
        if (c.maxStringChars() < 64 || c.maxStringChars() > MAX_STRING_CHARS_LIMIT) {
            throw new IllegalArgumentException("maxStringChars is " + c.maxStringChars()
                    + ": use a value from 64 to " + MAX_STRING_CHARS_LIMIT);
        }
    }

    /**
     * Checks the worker id: not blank.
     *
     * @param worker the resolved worker id
     * @return the worker id, or {@code null} for none
     */
    static String worker(Value<String> worker) {
        String id = worker.value();
        if (id != null && id.isBlank()) {
            throw new IllegalArgumentException(worker.origin() == Origin.BUILDER
                    ? worker.where() + " is blank: pass the worker or rank id"
                    : worker.where() + " is empty: set it to the worker or rank id, or unset it");
        }
        return id;
    }

    /**
     * Parses tags written as {@code key=value} pairs separated by commas; blank text is no tags.
     *
     * @param text the tags' text and origin
     * @return key to value in the written order, with the text's origin; {@code null} when unset
     */
    static Value<Map<String, String>> tags(Value<String> text) {
        if (text.value() == null) {
            return text.parsed(null);
        }
        Map<String, String> parsed = new LinkedHashMap<>();
        if (text.value().isBlank()) {
            return text.parsed(parsed);
        }
        for (String pair : text.value().split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(text.where() + " has '" + pair
                        + "': write tags as key=value pairs separated by commas, e.g. experiment=baseline,seed=7");
            }
            parsed.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return text.parsed(parsed);
    }

    /**
     * Checks the tags: at most {@value #MAX_TAGS}, every key named.
     *
     * @param tags the resolved tags
     * @return the tags, empty for none
     */
    static Map<String, String> checkTags(Value<Map<String, String>> tags) {
        Map<String, String> map = tags.value() == null ? Map.of() : tags.value();
        if (map.size() > MAX_TAGS) {
            throw new IllegalArgumentException(tags.where() + " has " + map.size() + " tags: use at most " + MAX_TAGS);
        }
        for (String key : map.keySet()) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(tags.where() + " has a tag with a blank key: give every tag a name");
            }
        }
        return map;
    }

    /**
     * Checks the run's hyperparameters: at most {@value #MAX_PARAMS}, every one named.
     *
     * @param params name to value, or {@code null} for none
     */
    static void params(Map<String, Object> params) {
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

    /**
     * Parses the heartbeat's text: seconds, a finite number from 1 to 86 400.
     *
     * @param text the text and its origin
     * @return the interval with the text's origin; {@code null} when unset
     */
    static Value<Duration> heartbeatSeconds(Value<String> text) {
        String value = text.value();
        if (value == null) {
            return text.parsed(null);
        }
        String fix = ": give the heartbeat interval in seconds, from 1 to " + MAX_HEARTBEAT.getSeconds()
                + " (24 hours), e.g. 30; or unset it to leave the heartbeat off";
        double seconds;
        try {
            seconds = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text.where() + " is " + Quoting.quoted(value) + ", not a number" + fix);
        }
        // NaN fails both comparisons' negation: !(x >= min) catches it, as it does -Infinity.
        if (!(seconds >= MIN_HEARTBEAT.getSeconds()) || !(seconds <= MAX_HEARTBEAT.getSeconds())) {
            String what = Double.isNaN(seconds) || Double.isInfinite(seconds) ? ", not a finite number"
                    : seconds < MIN_HEARTBEAT.getSeconds() ? ", less than 1 second: use at least 1 second"
                    : ", more than 24 hours";
            throw new IllegalArgumentException(text.where() + " is " + Quoting.quoted(value) + what + fix);
        }
        return text.parsed(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    /**
     * Checks the heartbeat interval: from {@link #MIN_HEARTBEAT} to {@link #MAX_HEARTBEAT}.
     *
     * @param heartbeat the resolved interval (text was checked when parsed)
     * @return the interval, or {@code null} for no heartbeat
     */
    static Duration heartbeat(Value<Duration> heartbeat) {
        Duration interval = heartbeat.value();
        if (interval == null || heartbeat.origin() != Origin.BUILDER) {
            return interval;
        }
        if (interval.compareTo(MIN_HEARTBEAT) < 0) {
            throw new IllegalArgumentException(heartbeat.where() + " is " + describeSeconds(interval)
                    + ": use at least 1 second (and at most 24 hours), or leave the heartbeat off");
        }
        if (interval.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException(heartbeat.where() + " is " + describeSeconds(interval)
                    + ": use at most 24 hours (" + MAX_HEARTBEAT.getSeconds() + " s), or leave the heartbeat off");
        }
        return interval;
    }

    private static String describeSeconds(Duration d) {
        return d.getSeconds() >= 10 || d.isNegative() ? d.getSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * Refuses a path with leading or trailing whitespace or a control character anywhere: such a
     * path is almost always a copy-and-paste or quoting slip (a socket path ending in a newline
     * never connects), and nothing would say so later.
     */
    private static void checkPathText(String value, String where) {
        String stripped = value.strip();
        boolean leading = !value.isEmpty() && Quoting.isBlank(value.charAt(0));
        boolean trailing = !value.isEmpty() && Quoting.isBlank(value.charAt(value.length() - 1));
        // A loop, not chars().anyMatch(...): a stream and its lambda cost milliseconds the first
        // time, and this runs in TrainingEvents.init whenever a path is configured.
        int firstControl = firstControl(stripped);
        boolean control = firstControl >= 0;
        if (leading || trailing) {
            String first = Quoting.describe(value.charAt(0));
            String last = Quoting.describe(value.charAt(value.length() - 1));
            String what = leading && trailing ? "begins with " + first + " and ends with " + last
                    : leading ? "begins with " + first : "ends with " + last;
            throw new IllegalArgumentException(where + " is " + Quoting.quoted(value) + ": it " + what
                    + (control ? " and contains control characters; remove them"
                            : "; remove it: set it to " + Quoting.quoted(stripped)));
        }
        if (control) {
            char c = stripped.charAt(firstControl);
            throw new IllegalArgumentException(where + " is " + Quoting.quoted(value) + ": it contains "
                    + Quoting.describe(c) + ", so it is not a usable path; set it to an absolute path"
                    + " without control characters");
        }
    }

    private static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Quoting.isControl(s.charAt(i))) {
                return i;
            }
        }
        return -1;
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
