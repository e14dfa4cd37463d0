/**
 * Deeplearning4j training reported by itself: add
 * {@link dev.foxml.training.events.dl4j.TrainingEventsListener} to a network's listeners and its
 * score, epoch, iteration and samples/s reach the dashboard, throttled. Depends on
 * {@code emitter-api} only; DL4J is the user's.
 */
package dev.foxml.training.events.dl4j;
