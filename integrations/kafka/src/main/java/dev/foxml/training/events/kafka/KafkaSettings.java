package dev.foxml.training.events.kafka;

import dev.foxml.training.events.core.EmitterSetting;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the Kafka settings come from: system properties {@code foxml.training.event.kafka.*},
 * then environment variables {@code FOXML_TRAINING_EVENT_KAFKA_*} (the property name upper-cased,
 * dots as underscores), then defaults. Every name other than {@code bootstrap} and {@code topic}
 * is a Kafka client setting passed through as it is ({@code foxml.training.event.kafka.security.protocol}
 * becomes {@code security.protocol}): SASL and SSL included. Values are never logged.
 */
final class KafkaSettings {
    static final String EMITTER_PREFIX = EmitterSetting.PREFIX;
    static final String SHORT_PREFIX = "kafka.";
    static final String PREFIX = EMITTER_PREFIX + SHORT_PREFIX;
    /** {@code EmitterSetting.environmentName(PREFIX)}, spelled out: a constant, for the javadoc's {@code @value}s. */
    static final String ENV_PREFIX = "FOXML_TRAINING_EVENT_KAFKA_";
    static final String BOOTSTRAP_PROPERTY = PREFIX + "bootstrap";
    static final String BOOTSTRAP_ENV = ENV_PREFIX + "BOOTSTRAP";
    static final String TOPIC_PROPERTY = PREFIX + "topic";
    static final String TOPIC_ENV = ENV_PREFIX + "TOPIC";
    static final String DEFAULT_TOPIC = "foxml.training.events";
    /**
     * {@code foxml.training.event.kafka.primary=false}: Kafka is not the primary delivery even
     * with a bootstrap address (the relay's own delivery to the bridge says so). Not a producer setting.
     */
    static final String PRIMARY = "primary";
    static final String PRIMARY_PROPERTY = PREFIX + PRIMARY;
    /** How long a closing emitter waits for the broker's confirmations (the transport's, not a producer setting). */
    static final String CLOSE_TIMEOUT_PROPERTY = PREFIX + "close.timeout.ms";

    private final Properties properties;
    private final Map<String, String> environment;

    KafkaSettings(Properties properties, Map<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /**
     * Returns the settings of this process (its system properties and environment).
     *
     * @return the settings of this process (its system properties and environment)
     */
    static KafkaSettings ofProcess() {
        return new KafkaSettings(System.getProperties(), System.getenv());
    }

    /**
     * Settings already resolved elsewhere (builder over property over environment), named like
     * the system properties ({@code foxml.training.event.kafka.bootstrap}) or by their short
     * names ({@code kafka.bootstrap}, as the emitter's {@code setting("kafka.bootstrap", ...)});
     * other names are ignored. A full name wins over the same short name.
     *
     * @return settings that read only {@code resolved}
     */
    static KafkaSettings of(Map<String, String> resolved) {
        Properties properties = new Properties();
        resolved.forEach((name, value) -> {
            if (name.startsWith(SHORT_PREFIX) && value != null) {
                properties.putIfAbsent(EMITTER_PREFIX + name, value);
            }
        });
        resolved.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && value != null) {
                properties.setProperty(name, value);
            }
        });
        return new KafkaSettings(properties, Map.of());
    }

    static String environmentName(String property) {
        return EmitterSetting.environmentName(property);
    }

    /**
     * Returns the property's value, else the environment variable's, else null.
     *
     * @return the property's value, else the environment variable's, else null
     */
    String get(String property, String env) {
        String value = properties.getProperty(property);
        return value != null ? value : environment.get(env);
    }

    /**
     * Returns where a value of {@link #get} came from, for error messages.
     *
     * @return where a value of {@link #get} came from, for error messages
     */
    String origin(String property, String env) {
        return properties.getProperty(property) != null ? "the system property " + property
                : "the environment variable " + env;
    }

    /**
     * The Kafka client settings passed through.
     *
     * @return the Kafka client settings passed through (environment first, properties over it),
     *     without {@code bootstrap} and {@code topic}
     */
    Map<String, String> passThrough() {
        Map<String, String> settings = new TreeMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(ENV_PREFIX) && !name.equals(BOOTSTRAP_ENV) && !name.equals(TOPIC_ENV)
                    && !name.equals(ENV_PREFIX + "PRIMARY") && !name.equals(environmentName(CLOSE_TIMEOUT_PROPERTY))) {
                settings.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        e.getValue());
            }
        }
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX) && !name.equals(BOOTSTRAP_PROPERTY) && !name.equals(TOPIC_PROPERTY)
                    && !name.equals(PRIMARY_PROPERTY) && !name.equals(CLOSE_TIMEOUT_PROPERTY)) {
                settings.put(name.substring(PREFIX.length()), properties.getProperty(name));
            }
        }
        return settings;
    }
}
