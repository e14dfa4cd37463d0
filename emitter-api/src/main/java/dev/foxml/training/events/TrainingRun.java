package dev.foxml.training.events;

/**
 * A run as a scope, from {@link TrainingEvents#start(String)}:
 *
 * <pre>{@code
 * try (TrainingRun run = TrainingEvents.start("run-42")) {
 *     train();
 * } // run_complete "success", then the emitter is flushed and closed
 * }</pre>
 *
 * Java does not tell {@code close()} whether the block threw, so a block that can fail reports
 * it with {@link #fail(Throwable)} (an {@code error} event, then {@code run_complete "failed"}),
 * or uses {@link TrainingEvents#run(String, RunBody)}, which does that by itself. A run that
 * already reported {@code run_complete} is not reported again on close.
 */
public final class TrainingRun implements AutoCloseable {
    private final TrainingEventEmitter emitter;
    private volatile boolean completed;

    TrainingRun(TrainingEventEmitter emitter) {
        this.emitter = emitter;
    }

    /**
     * The emitter of this run.
     *
     * @return the emitter, also {@link TrainingEvents#current()} while the run is open
     */
    public TrainingEventEmitter emitter() {
        return emitter;
    }

    /**
     * The run id.
     *
     * @return the run id written as {@code run_id} on every line of this run
     */
    public String runId() {
        return emitter.runId();
    }

    /**
     * Reports the run as failed by {@code error}: an {@code error} event (not recoverable, with the
     * exception's class as type) and {@code run_complete "failed"}. Later calls do nothing.
     * Never throws.
     *
     * @param error what failed the run; {@code null} is reported as an unknown error
     */
    public void fail(Throwable error) {
        if (!completed) {
            completed = true;
            emitter.emitError(error, false);
            emitter.emitRunComplete(RunStatus.FAILED);
        }
    }

    /**
     * Reports the run complete with {@code status} now. Later calls (and close) report nothing
     * more. Never throws.
     *
     * @param status how the run ended; {@code null} is written as {@code "failed"}
     */
    public void complete(RunStatus status) {
        if (!completed) {
            completed = true;
            emitter.emitRunComplete(status);
        }
    }

    /**
     * Reports {@code run_complete "success"} unless the run already completed or failed, then
     * flushes and closes the emitter (and {@link TrainingEvents#current()} no longer returns it).
     * Never throws.
     */
    @Override
    public void close() {
        complete(RunStatus.SUCCESS);
        TrainingEvents.shutdown(emitter);
    }
}
