/**
 * DJL training reported by itself: add {@link dev.foxml.training.events.djl.TrainingEventsListener}
 * to a {@code DefaultTrainingConfig} and the run's stage, throttled batch progress (epoch, step,
 * loss, items/s) and each epoch's metrics reach the dashboard. Depends on {@code emitter-api} only;
 * DJL is the user's.
 */
package dev.foxml.training.events.djl;
