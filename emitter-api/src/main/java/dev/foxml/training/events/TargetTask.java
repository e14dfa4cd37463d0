package dev.foxml.training.events;

/** The work for one target in {@link TrainingEvents#forEachTarget}. */
@FunctionalInterface
public interface TargetTask {

    /**
     * Trains (or otherwise processes) one target.
     *
     * @param target the target's name
     * @return how it went; {@code null} counts as success with no models and no AUC
     * @throws Exception when the target fails: reported as an {@code error} event and a
     *     {@code failed} target, then the loop goes on or stops as its {@link OnTargetFailure} says
     */
    TargetResult run(String target) throws Exception;
}
