package dev.foxml.training.events.kafka;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The producer settings as a log line may show them: every name, but a value only for settings
 * known to hold no secret. Everything else passed through ({@code sasl.jaas.config},
 * {@code ssl.keystore.password}, a custom callback's options, ...) reads {@value #HIDDEN}: a list
 * of allowed names, not of forbidden ones, so that a secret under a name nobody foresaw stays hidden.
 */
final class ProducerSettings {
    /** What a hidden value reads as. */
    static final String HIDDEN = "[hidden]";

    /** Settings whose values are addresses, sizes, times or choices: shown. */
    private static final Set<String> SHOWN = Set.of(
            "bootstrap.servers", "acks", "enable.idempotence", "max.block.ms", "delivery.timeout.ms",
            "request.timeout.ms", "linger.ms", "batch.size", "buffer.memory", "compression.type",
            "client.id", "security.protocol", "sasl.mechanism", "max.request.size",
            "max.in.flight.requests.per.connection", "retries", "retry.backoff.ms", "retry.backoff.max.ms",
            "reconnect.backoff.ms", "reconnect.backoff.max.ms", "metadata.max.age.ms", "partitioner.class",
            "client.dns.lookup", "ssl.endpoint.identification.algorithm");

    private ProducerSettings() {
    }

    /** The settings whose values may be shown. */
    static Set<String> shown() {
        return SHOWN;
    }

    /**
     * The client's complaint about a setting whose value may be a secret, without the value:
     * the client writes {@code Invalid value V for configuration NAME: why}, so only NAME and why
     * are kept; any other message is replaced by the exception's class.
     */
    static String settingNamed(String message, Exception e) {
        int at = message.indexOf(" for configuration ");
        if (message.startsWith("Invalid value ") && at > 0) {
            return "invalid value " + HIDDEN + message.substring(at);
        }
        return e.getClass().getSimpleName() + " (the client's message is not shown: it may quote a secret value)";
    }

    /**
     * Describes the settings for a log line.
     *
     * @return {@code name=value, ...} in name order, values hidden unless known to be harmless
     */
    static String describe(Map<String, ?> config) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, ?> e : new TreeMap<String, Object>(config).entrySet()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(e.getKey()).append('=').append(SHOWN.contains(e.getKey()) ? String.valueOf(e.getValue()) : HIDDEN);
        }
        return out.toString();
    }
}
