/**
 * What trainer code calls to report a training run to the dashboard: the static helpers of
 * {@link dev.foxml.training.events.TrainingEvents}, the {@link dev.foxml.training.events.TrainingEventEmitter}
 * behind them, the run and target scopes, and the statuses written on the wire.
 *
 * <p>Nothing here throws into training code at run time: a bad argument is repaired into a valid
 * line and counted; a missing implementation costs one warning and events are discarded.
 * Configuration errors fail when the emitter is created.
 */
package dev.foxml.training.events;
