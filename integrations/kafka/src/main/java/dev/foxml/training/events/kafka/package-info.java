/**
 * Training events across machines through Kafka: {@link dev.foxml.training.events.kafka.KafkaTransport}
 * makes Kafka an emitter's primary delivery when a bootstrap address is configured (found through
 * {@link dev.foxml.training.events.kafka.KafkaTransportProvider}; the local event file stays the
 * fallback), {@link dev.foxml.training.events.kafka.KafkaLineSender} publishes lines for programs
 * that send them themselves (one record per line, keyed by the emitter id), and the
 * {@link dev.foxml.training.events.kafka.Relay} on the dashboard's machine hands every line to the
 * local bridge exactly once and in each emitter's order.
 */
package dev.foxml.training.events.kafka;
