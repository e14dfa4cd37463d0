/**
 * The emitter's health as Micrometer meters: {@link dev.foxml.training.events.micrometer.TrainingEventsMetrics}
 * binds function counters over {@code stats()} (emitted, written, replayed, dropped by reason,
 * reconnects, delivery errors, invalid arguments) to any {@code MeterRegistry}.
 */
package dev.foxml.training.events.micrometer;
