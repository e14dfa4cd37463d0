package dev.foxml.training.events;

/** What {@link TrainingEvents#forEachTarget} does after a target's task throws. */
public enum OnTargetFailure {
    /** Report the target as failed and go on with the next one. */
    CONTINUE,
    /** Report the target as failed, then rethrow the exception (the remaining targets are not run). */
    STOP
}
