/**
 * Tribuo evaluations as training events: {@link dev.foxml.training.events.tribuo.TribuoTargetReport}
 * turns a target's {@code LabelEvaluation}s into the metrics and best AUC of its
 * {@code target_complete}.
 */
package dev.foxml.training.events.tribuo;
