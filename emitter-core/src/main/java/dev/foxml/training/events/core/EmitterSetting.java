package dev.foxml.training.events.core;

import dev.foxml.training.events.TrainingEvents;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The emitter's settings that can come from outside the program: each one's name, the system
 * property and environment variable that set it, its default and what it means. The environment
 * variable's name is derived from the property's by one rule ({@link #environmentName(String)}:
 * upper case, dots and dashes as underscores), so {@code foxml.training.event.socket} is
 * {@code FOXML_TRAINING_EVENT_SOCKET}.
 *
 * <p>A value is taken, in order, from the builder ({@link TrainingEventEmitterBuilder}'s method for
 * it, or {@link TrainingEventEmitterBuilder#setting(String, String)}), the system property, the
 * environment variable, and the default.
 *
 * <p>Names under an extension namespace ({@link #EXTENSION_NAMESPACES}, e.g.
 * {@code foxml.training.event.kafka.bootstrap} or {@code FOXML_TRAINING_EVENT_KAFKA_BOOTSTRAP})
 * belong to a transport: the emitter passes them on without reading them, and never shows the value
 * of one that looks secret ({@link #isSecret(String)}).
 */
public enum EmitterSetting {
    /** The dashboard bridge's Unix socket. */
    SOCKET("socket", EmitterSetting.DEFAULT_SOCKET,
            "the dashboard bridge's Unix socket: an absolute path of at most 107 bytes"),
    /** The file events are appended to when no bridge listens (always, in the journal modes). */
    FILE("file", EmitterSetting.DEFAULT_FILE,
            "the file events are appended to when no bridge listens: an absolute path in an existing directory"),
    /** How events are written: {@code async}, {@code sync}, {@code journal} or {@code sync-journal}. */
    MODE("mode", "async", "async (a background thread writes), sync (the emit call writes), journal or"
            + " sync-journal (every event also goes to the file)"),
    /** This process's worker or rank, written on every line. */
    WORKER("worker", null, "this process's worker or rank in a multi-process run, written on every line"),
    /** The heartbeat interval in seconds; no heartbeat when unset. */
    HEARTBEAT_SECONDS("heartbeat.seconds", null,
            "seconds without an event after which a heartbeat is sent, from 1 to 86400; off when unset"),
    /** The run_start event's tags, as {@code key=value} pairs separated by commas. */
    TAGS("tags", null, "the run_start event's tags, as key=value pairs separated by commas");

    /** What every setting's system property begins with. */
    public static final String PREFIX = "foxml.training.event.";
    /** What every setting's environment variable begins with: {@link #PREFIX} by the naming rule. */
    public static final String ENVIRONMENT_PREFIX = environmentName(PREFIX);
    /** The socket used when nothing else is configured, as the dashboard bridge expects. */
    public static final String DEFAULT_SOCKET = "/tmp/foxml_training_events.sock";
    /** The event file used when nothing else is configured, as the dashboard bridge reads. */
    public static final String DEFAULT_FILE = "/tmp/foxml_training_events.jsonl";
    /**
     * The namespaces of transports' own settings: a name {@code <namespace>.<setting>} (such as
     * {@code kafka.bootstrap}) is passed on to the transport, not read by the emitter.
     */
    public static final Set<String> EXTENSION_NAMESPACES = Set.of("kafka");

    /** Words that make an extension setting's value secret: it is shown as {@value #MASK}. */
    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "jaas", "key");
    /** How a secret value is shown. */
    public static final String MASK = "****";

    private final String key;
    private final String property;
    private final String environmentVariable;
    private final String defaultValue;
    private final String description;

    EmitterSetting(String key, String defaultValue, String description) {
        this.key = key;
        this.property = PREFIX + key;
        this.environmentVariable = environmentName(property);
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /**
     * Returns the setting's short name, without {@link #PREFIX}, e.g. {@code heartbeat.seconds}: the
     * name {@link TrainingEventEmitterBuilder#setting(String, String)} takes.
     *
     * @return the setting's short name
     */
    public String key() {
        return key;
    }

    /**
     * Returns the system property that sets it, e.g. {@code foxml.training.event.socket}.
     *
     * @return the system property's name
     */
    public String property() {
        return property;
    }

    /**
     * Returns the environment variable that sets it, e.g. {@code FOXML_TRAINING_EVENT_SOCKET}.
     *
     * @return the environment variable's name, derived from {@link #property()}
     */
    public String environmentVariable() {
        return environmentVariable;
    }

    /**
     * Returns the value used when nothing sets it.
     *
     * @return the default as text, or {@code null} when unset means "none" (no worker, no tags, no heartbeat)
     */
    public String defaultValue() {
        return defaultValue;
    }

    /**
     * Returns what the setting means and which values it takes, in one sentence.
     *
     * @return a short description
     */
    public String description() {
        return description;
    }

    /**
     * The naming rule between properties and environment variables: upper case, dots and dashes
     * as underscores ({@code foxml.training.event.heartbeat.seconds} is
     * {@code FOXML_TRAINING_EVENT_HEARTBEAT_SECONDS}).
     *
     * @param property a system property's name
     * @return the environment variable's name
     */
    public static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The setting an environment variable names back as a short name: {@link #ENVIRONMENT_PREFIX}
     * removed, lower case, underscores as dots ({@code FOXML_TRAINING_EVENT_KAFKA_SASL_JAAS_CONFIG}
     * is {@code kafka.sasl.jaas.config}). Settings of the emitter and of extensions use dots only,
     * so the rule reads them back exactly.
     *
     * @param environmentVariable a variable's name
     * @return the short name, or {@code null} when the variable does not begin with {@link #ENVIRONMENT_PREFIX}
     */
    public static String keyOfEnvironmentVariable(String environmentVariable) {
        if (!environmentVariable.startsWith(ENVIRONMENT_PREFIX)
                || environmentVariable.length() == ENVIRONMENT_PREFIX.length()) {
            return null;
        }
        return environmentVariable.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /**
     * Returns the setting with this short name.
     *
     * @param key a short name such as {@code socket} or {@code heartbeat.seconds}
     * @return the setting, or {@code null} when the emitter has none of that name
     */
    public static EmitterSetting forKey(String key) {
        for (EmitterSetting setting : values()) {
            if (setting.key.equals(key)) {
                return setting;
            }
        }
        return null;
    }

    /**
     * Whether a short name belongs to a transport: {@code <namespace>.<setting>} with a namespace
     * of {@link #EXTENSION_NAMESPACES}.
     *
     * @param key a short name such as {@code kafka.bootstrap}
     * @return {@code true} for an extension's setting
     */
    public static boolean isExtension(String key) {
        int dot = key.indexOf('.');
        return dot > 0 && dot < key.length() - 1 && EXTENSION_NAMESPACES.contains(key.substring(0, dot));
    }

    /**
     * Whether a short name is read elsewhere than by the emitter's builder, and so neither the
     * emitter's nor an extension's: {@code provider}, {@value TrainingEvents#PROVIDER_PROPERTY},
     * which chooses the implementation.
     *
     * @param key a short name
     * @return {@code true} when the name is read by the API itself
     */
    public static boolean isReadElsewhere(String key) {
        return (PREFIX + key).equals(TrainingEvents.PROVIDER_PROPERTY);
    }

    /**
     * Whether an extension setting's value is secret: its name contains {@code password},
     * {@code secret}, {@code jaas} or {@code key} (in any case), such as
     * {@code kafka.sasl.jaas.config} or {@code kafka.ssl.key.password}.
     *
     * @param key a short name
     * @return {@code true} when the value must never be shown
     */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return forKey(key) == null && SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    /**
     * A value as it may be shown in a message or {@code toString}.
     *
     * @param key the setting's short name
     * @param value its value
     * @return {@value #MASK} for a secret ({@link #isSecret(String)}), else the value itself
     */
    public static String shown(String key, String value) {
        return value != null && isSecret(key) ? MASK : value;
    }

    /**
     * The names {@link TrainingEventEmitterBuilder#setting(String, String)} accepts, for messages.
     *
     * @return e.g. {@code socket, file, mode, worker, heartbeat.seconds, tags, kafka.<setting>}
     */
    public static String knownKeys() {
        return Arrays.stream(values()).map(EmitterSetting::key).collect(Collectors.joining(", "))
                + EXTENSION_NAMESPACES.stream().sorted().map(ns -> ", " + ns + ".<setting>").collect(Collectors.joining());
    }
}
