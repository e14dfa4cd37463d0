/**
 * Training events across machines through Kafka: {@link dev.foxml.training.events.kafka.KafkaLineSender}
 * publishes event lines (one record per line, keyed by the emitter id), and the
 * {@link dev.foxml.training.events.kafka.Relay} on the dashboard's machine hands every line to the
 * local bridge exactly once and in each emitter's order.
 */
package dev.foxml.training.events.kafka;
