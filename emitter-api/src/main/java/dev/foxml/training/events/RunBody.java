package dev.foxml.training.events;

/** The body of a run for {@link TrainingEvents#run(String, RunBody)}: may throw anything. */
@FunctionalInterface
public interface RunBody {
    /**
     * Runs the training.
     *
     * @throws Exception anything; {@link TrainingEvents#run(String, RunBody)} reports it as an
     *     {@code error} event and {@code run_complete "failed"}, then rethrows it unchanged
     */
    void run() throws Exception;
}
