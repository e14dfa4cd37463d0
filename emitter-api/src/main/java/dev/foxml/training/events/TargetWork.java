package dev.foxml.training.events;

/**
 * The work for one target in
 * {@link TrainingEvents#forEachTarget(TrainingEventEmitter, String, java.util.List, TargetWork)}:
 * like {@link TargetTask}, but given a {@link TargetContext} that knows the target's place in the
 * loop and reports progress within the target.
 */
@FunctionalInterface
public interface TargetWork {

    /**
     * Trains (or otherwise processes) one target.
     *
     * @param target the target's name, position and progress reporting
     * @return how it went; {@code null} counts as success with no models and no AUC
     * @throws Exception when the target fails: reported as an {@code error} event and a
     *     {@code failed} target, then the loop goes on or stops as its {@link OnTargetFailure} says
     */
    TargetResult run(TargetContext target) throws Exception;
}
