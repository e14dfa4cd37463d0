package dev.foxml.training.events;

/** The body of a run for {@link TrainingEvents#run(String, RunBody)}: may throw anything. */
@FunctionalInterface
public interface RunBody {
    /** Runs the training. */
    void run() throws Exception;
}
