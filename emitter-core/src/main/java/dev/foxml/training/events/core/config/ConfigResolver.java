package dev.foxml.training.events.core.config;

import dev.foxml.training.events.core.EmitterSetting;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds each setting's value and where it came from: the builder, then the system property
 * ({@code foxml.training.event.<name>}), then the environment variable (the property's name by
 * {@link EmitterSetting#environmentName(String) one rule}, {@code FOXML_TRAINING_EVENT_<NAME>}),
 * then the default. It only finds values; {@link ConfigValidation} judges them, naming the
 * {@link Value#where() origin} of a bad one.
 *
 * <p>Settings under an extension namespace ({@code kafka.*}) are collected in
 * {@link #extensions()}, for the transport that reads them.
 *
 * <p>The sources are injectable ({@link Source#of(Map)}), so that tests need no real environment.
 */
public final class ConfigResolver {

    /** Named values to read settings from: the system properties, the environment or a test's map. */
    public interface Source {
        /**
         * Returns the value of one name.
         *
         * @param name a property or variable name
         * @return its value, or {@code null} when unset
         */
        String get(String name);

        /**
         * Returns every name set, for collecting the extension settings.
         *
         * @return the names set (empty for a source that can only be asked name by name)
         */
        Set<String> names();

        /**
         * Returns this JVM's system properties, read when asked.
         *
         * @return the system properties
         */
        static Source systemProperties() {
            return new Source() {
                @Override
                public String get(String name) {
                    return System.getProperty(name);
                }

                @Override
                public Set<String> names() {
                    return System.getProperties().stringPropertyNames();
                }
            };
        }

        /**
         * Returns this process's environment.
         *
         * @return the environment variables
         */
        static Source environment() {
            return of(System.getenv());
        }

        /**
         * Returns the values of a map (a test's environment or properties).
         *
         * @param values name to value; read when asked, not copied
         * @return the map as a source
         */
        static Source of(Map<String, String> values) {
            Objects.requireNonNull(values, "values");
            return new Source() {
                @Override
                public String get(String name) {
                    return values.get(name);
                }

                @Override
                public Set<String> names() {
                    return values.keySet();
                }
            };
        }

        /**
         * Returns a source that can only be asked name by name: it lists no names, so it gives
         * no extension settings.
         *
         * @param lookup name to value, {@code null} when unset
         * @return the lookup as a source
         */
        static Source lookup(Function<String, String> lookup) {
            Objects.requireNonNull(lookup, "lookup");
            return new Source() {
                @Override
                public String get(String name) {
                    return lookup.apply(name);
                }

                @Override
                public Set<String> names() {
                    return Set.of();
                }
            };
        }
    }

    /** Where a value came from, in order of precedence. */
    public enum Origin {
        /** A builder method. */
        BUILDER,
        /** A system property, {@code -Dfoxml.training.event.<name>}. */
        PROPERTY,
        /** An environment variable, {@code FOXML_TRAINING_EVENT_<NAME>}. */
        ENVIRONMENT,
        /** Nothing set it. */
        DEFAULT
    }

    /**
     * One setting's value with its origin.
     *
     * @param key the setting's short name, e.g. {@code socket} or {@code kafka.bootstrap}
     * @param value the value; {@code null} when unset and without default
     * @param origin where it came from
     * @param builderMethod the builder method that gave it, e.g. {@code socketPath(...)}; {@code null}
     *     unless the origin is {@link Origin#BUILDER}
     * @param <T> the value's type: text as found, or what it was parsed into
     */
    public record Value<T>(String key, T value, Origin origin, String builderMethod) {

        /**
         * Where the value came from, as error messages say it: {@code socketPath(...)}, {@code the
         * system property foxml.training.event.socket}, {@code the environment variable
         * FOXML_TRAINING_EVENT_SOCKET} or {@code the default}.
         *
         * @return the origin in words
         */
        public String where() {
            switch (origin) {
                case BUILDER: return builderMethod;
                case PROPERTY: return "the system property " + property();
                case ENVIRONMENT: return "the environment variable " + environmentVariable();
                default: return "the default";
            }
        }

        /**
         * Where the value came from, in short: {@code builder}, {@code -Dfoxml.training.event.x},
         * {@code $FOXML_TRAINING_EVENT_X} or {@code default}.
         *
         * @return the origin as a label
         */
        public String label() {
            switch (origin) {
                case BUILDER: return "builder";
                case PROPERTY: return "-D" + property();
                case ENVIRONMENT: return "$" + environmentVariable();
                default: return "default";
            }
        }

        /**
         * Whether anything set it (the builder, a property or a variable).
         *
         * @return {@code false} for the default
         */
        public boolean isSet() {
            return origin != Origin.DEFAULT;
        }

        /**
         * The same setting with its value converted (parsed, checked), its origin kept.
         *
         * @param convert from the value (never called with {@code null}) to the new value
         * @param <R> the new value's type
         * @return the converted value, {@code null} stays {@code null}
         */
        public <R> Value<R> map(Function<T, R> convert) {
            return new Value<>(key, value == null ? null : convert.apply(value), origin, builderMethod);
        }

        /**
         * The same setting, from the same origin, with the value its text was parsed into.
         *
         * @param parsedValue what the text means, e.g. a {@code Path}; {@code null} when unset
         * @param <R> the parsed value's type
         * @return the parsed value and this value's origin
         */
        public <R> Value<R> parsed(R parsedValue) {
            return new Value<>(key, parsedValue, origin, builderMethod);
        }

        /**
         * Returns the setting, its value (masked when secret) and its origin, e.g.
         * {@code foxml.training.event.heartbeat.seconds="abc" (from $FOXML_TRAINING_EVENT_HEARTBEAT_SECONDS)}.
         *
         * @return the setting for a message
         */
        @Override
        public String toString() {
            String shown = value == null ? "unset" : Quoting.quoted(EmitterSetting.shown(key, String.valueOf(value)));
            return property() + "=" + shown + " (from " + label() + ")";
        }

        private String property() {
            return EmitterSetting.PREFIX + key;
        }

        private String environmentVariable() {
            return EmitterSetting.environmentName(property());
        }
    }

    private final Source properties;
    private final Source environment;
    private final Map<String, String> builderSettings;

    /**
     * A resolver over these sources.
     *
     * @param properties the system properties, or a test's
     * @param environment the environment, or a test's
     * @param builderSettings short name to value, as given to the builder's {@code setting(name, value)};
     *     copied, and each name must be {@link #settingKey(String) known}
     */
    public ConfigResolver(Source properties, Source environment, Map<String, String> builderSettings) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.builderSettings = Collections.unmodifiableMap(new LinkedHashMap<>(builderSettings));
    }

    /**
     * Returns a resolver of this JVM's system properties and environment, with no builder values.
     *
     * @return the process's settings
     */
    public static ConfigResolver ofProcess() {
        return new ConfigResolver(Source.systemProperties(), Source.environment(), Map.of());
    }

    /**
     * Returns one setting's text: {@code setting(name, value)} on the builder, else the system
     * property, else the environment variable, else the default.
     *
     * @param setting the setting
     * @return its text and origin; the value is {@code null} when unset and without default
     */
    public Value<String> text(EmitterSetting setting) {
        Value<String> found = find(setting.key());
        return found != null ? found : new Value<>(setting.key(), setting.defaultValue(), Origin.DEFAULT, null);
    }

    /**
     * Returns one setting as its builder method gave it; when that method was not called, the
     * caller parses the setting's {@link #text(EmitterSetting) text} instead (see
     * {@link Value#parsed(Object)}).
     *
     * @param setting the setting
     * @param builderValue what the builder's own method for it was given, not {@code null}
     * @param builderMethod that method, as messages name it, e.g. {@code socketPath(...)}
     * @param <T> the value's type
     * @return the value, from the builder
     */
    public <T> Value<T> fromBuilder(EmitterSetting setting, T builderValue, String builderMethod) {
        return new Value<>(setting.key(), Objects.requireNonNull(builderValue, "builderValue"), Origin.BUILDER,
                builderMethod);
    }

    /**
     * Returns one extension setting, such as {@code kafka.bootstrap}: the builder's, else the
     * property's, else the variable's.
     *
     * @param key the short name, without {@link EmitterSetting#PREFIX}
     * @return its value and origin; value {@code null} and origin {@link Origin#DEFAULT} when unset
     */
    public Value<String> extension(String key) {
        Value<String> found = find(key);
        return found != null ? found : new Value<>(key, null, Origin.DEFAULT, null);
    }

    /**
     * Returns every {@code foxml.training.event.*} setting that is not one of the emitter's own
     * ({@link EmitterSetting}) nor the API's {@code provider}: from the environment, the system
     * properties over them, the builder's {@code setting(name, value)} over both. Names are short
     * ({@code kafka.bootstrap}); a variable's name is read back by
     * {@link EmitterSetting#keyOfEnvironmentVariable(String)}.
     *
     * @return short name to value, sorted by name
     */
    public Map<String, String> extensions() {
        Map<String, String> found = new TreeMap<>();
        for (String name : environment.names()) {
            String key = EmitterSetting.keyOfEnvironmentVariable(name);
            if (key != null && isOther(key)) {
                found.put(key, environment.get(name));
            }
        }
        for (String name : properties.names()) {
            if (name.startsWith(EmitterSetting.PREFIX) && name.length() > EmitterSetting.PREFIX.length()) {
                String key = name.substring(EmitterSetting.PREFIX.length());
                if (isOther(key)) {
                    found.put(key, properties.get(name));
                }
            }
        }
        for (Map.Entry<String, String> given : builderSettings.entrySet()) {
            if (isOther(given.getKey())) {
                found.put(given.getKey(), given.getValue());
            }
        }
        // Loops rather than forEach/removeIf lambdas: this runs in TrainingEvents.init, where each
        // lambda's first use costs a class spun at run time (see BuilderChoices.resolve).
        for (Iterator<String> values = found.values().iterator(); values.hasNext(); ) {
            if (values.next() == null) {
                values.remove();
            }
        }
        return Collections.unmodifiableMap(found);
    }

    /**
     * The short name a builder's {@code setting(name, value)} stands for: one of the emitter's
     * settings or an extension's ({@code kafka.<setting>}), with or without {@link EmitterSetting#PREFIX}.
     *
     * @param name the name given
     * @return the short name
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static String settingKey(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.startsWith(EmitterSetting.PREFIX) ? name.substring(EmitterSetting.PREFIX.length()) : name;
        if (EmitterSetting.forKey(key) == null && !EmitterSetting.isExtension(key)) {
            throw new IllegalArgumentException("setting(" + Quoting.quoted(name) + ", ...) names no setting:"
                    + " use one of " + EmitterSetting.knownKeys() + " (the name without \"" + EmitterSetting.PREFIX
                    + "\")");
        }
        return key;
    }

    private static boolean isOther(String key) {
        return EmitterSetting.forKey(key) == null && !EmitterSetting.isReadElsewhere(key);
    }

    private Value<String> find(String key) {
        String given = builderSettings.get(key);
        if (given != null) {
            return new Value<>(key, given, Origin.BUILDER, "setting(\"" + key + "\", ...)");
        }
        String property = EmitterSetting.PREFIX + key;
        String value = properties.get(property);
        if (value != null) {
            return new Value<>(key, value, Origin.PROPERTY, null);
        }
        value = environment.get(EmitterSetting.environmentName(property));
        if (value != null) {
            return new Value<>(key, value, Origin.ENVIRONMENT, null);
        }
        return null;
    }
}
