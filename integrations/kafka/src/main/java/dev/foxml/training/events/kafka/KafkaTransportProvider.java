package dev.foxml.training.events.kafka;

import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.spi.TransportProvider;

import java.time.Duration;
import java.util.Map;

/**
 * Makes Kafka the primary delivery of an emitter when a bootstrap address is configured
 * ({@value KafkaSettings#BOOTSTRAP_PROPERTY}, {@value KafkaSettings#BOOTSTRAP_ENV}, or the
 * emitter builder's {@code setting("kafka.bootstrap", ...)}); found by {@link java.util.ServiceLoader}
 * through {@code META-INF/services}. Without a bootstrap address, or with
 * {@code foxml.training.event.kafka.primary=false} (the relay's own delivery to the bridge), it
 * stays out of the way.
 */
public final class KafkaTransportProvider implements TransportProvider {
    /** Found by {@link java.util.ServiceLoader}. */
    public KafkaTransportProvider() {
    }

    /**
     * Returns a Kafka transport when the settings name a bootstrap address, else null.
     *
     * @param settings the emitter's settings by property name ({@code foxml.training.event.kafka.*}) or by
     *     short name ({@code kafka.*})
     * @return the transport, not yet opened, or null
     * @throws IllegalArgumentException when a Kafka setting is unusable; the message names it
     */
    @Override
    public Transport primary(Map<String, String> settings) {
        KafkaSettings kafka = KafkaSettings.of(settings);
        String bootstrap = kafka.get(KafkaSettings.BOOTSTRAP_PROPERTY, KafkaSettings.BOOTSTRAP_ENV);
        if (bootstrap == null || "false".equalsIgnoreCase(kafka.get(KafkaSettings.PRIMARY_PROPERTY, "-"))) {
            return null;
        }
        if (bootstrap.isBlank()) {
            throw new IllegalArgumentException(KafkaSettings.BOOTSTRAP_PROPERTY + " (or " + KafkaSettings.BOOTSTRAP_ENV
                    + ") is empty: name the brokers as host:port[,host:port...], or leave it unset for the socket");
        }
        KafkaLineSender.Prepared prepared = KafkaLineSender.builder(kafka)
                .defaultMaxBlock(Duration.ofMillis(KafkaTransport.DEFAULT_MAX_BLOCK_MILLIS))
                .defaultBatchBytes(KafkaTransport.DEFAULT_BATCH_BYTES).prepare();
        String closeTimeout = kafka.get(KafkaSettings.CLOSE_TIMEOUT_PROPERTY,
                KafkaSettings.environmentName(KafkaSettings.CLOSE_TIMEOUT_PROPERTY));
        long closeMillis = KafkaTransport.DEFAULT_CLOSE_TIMEOUT_MILLIS;
        if (closeTimeout != null) {
            try {
                closeMillis = Long.parseLong(closeTimeout.trim());
            } catch (NumberFormatException e) {
                closeMillis = -1;
            }
            if (closeMillis < 0) {
                throw new IllegalArgumentException(KafkaSettings.CLOSE_TIMEOUT_PROPERTY + " is '" + closeTimeout
                        + "': give a whole number of milliseconds (default " + KafkaTransport.DEFAULT_CLOSE_TIMEOUT_MILLIS
                        + "), below the emitter's close timeout");
            }
        }
        return new KafkaTransport(prepared, null, closeMillis);
    }
}
