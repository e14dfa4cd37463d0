package dev.foxml.training.events;

/**
 * The body of a run for {@link TrainingEvents#run(String, RunBody)} and
 * {@link TrainingEvents#run(TrainingEventEmitter, RunBody)}.
 *
 * <p>The type parameter is the checked exception the body throws, inferred by the compiler from
 * the lambda: a body that throws no checked exception makes {@code run} throw none either, so a
 * {@code main} without {@code throws} can call it.
 *
 * <pre>{@code
 * public static void main(String[] args) {            // no "throws Exception"
 *     TrainingEvents.run("run-42", () -> train());      // train() throws nothing checked
 * }
 * }</pre>
 *
 * @param <E> the checked exception the body may throw ({@link RuntimeException} when it throws none)
 */
@FunctionalInterface
public interface RunBody<E extends Exception> {
    /**
     * Runs the training.
     *
     * @throws E what the body throws; {@code run} reports it (or any unchecked exception or
     *     {@link Error}) as an {@code error} event and {@code run_complete "failed"}, then rethrows
     *     it unchanged
     */
    void run() throws E;
}
