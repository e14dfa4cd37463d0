package dev.foxml.training.events;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A run as a scope that reports how it ended, commit-style (as a JDBC transaction commits only
 * when told to, and an OpenTelemetry span ends with the status it was given): {@code close()}
 * reports {@code run_complete "success"} only when the block called {@link #markSucceeded()};
 * a block left by an exception or an early return is reported {@code failed}.
 *
 * <pre>{@code
 * try (TrainingRun run = TrainingEvents.start("run-42")) {
 *     train();
 *     run.markSucceeded();   // the last statement of the block
 * } // run_complete "success"; had train() thrown: an error event, then run_complete "failed"
 * }</pre>
 *
 * <p>Java does not tell {@code close()} whether the block threw, hence the explicit mark. A
 * block that catches its failure can report it with {@link #fail(Throwable)} (its exception's
 * class and message instead of the generic error), or end the run with any status through
 * {@link #complete(RunStatus)}. {@link TrainingEvents#run(String, RunBody)} does all this by
 * itself: success when the body returns, the body's exception when it throws.
 *
 * <p>A run reports one {@code run_complete}: once {@link #fail(Throwable)} or
 * {@link #complete(RunStatus)} has reported it, or the emitter has reported one
 * ({@link TrainingEventEmitter#isRunComplete()}, for example after
 * {@code TrainingEvents.emitRunComplete(...)} inside the block), {@code close()} adds nothing.
 * {@code close()} then flushes and closes the emitter.
 */
public final class TrainingRun implements AutoCloseable {

    /**
     * The {@code error_type} of the error event {@code close()} writes when the block ended
     * without {@link #markSucceeded()}.
     */
    public static final String ENDED_WITHOUT_SUCCESS = "run_ended_without_success";

    private final TrainingEventEmitter emitter;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile boolean succeeded;

    TrainingRun(TrainingEventEmitter emitter) {
        this.emitter = emitter;
    }

    /**
     * The emitter of this run.
     *
     * @return the emitter; with {@link TrainingEvents#start(String)} also {@link TrainingEvents#current()}
     *     while the run is open
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
     * Marks the run as successful: {@code close()} will report {@code run_complete "success"}.
     * Call it as the last statement of the block, once the training worked; nothing is written
     * before {@code close()}, so events emitted between the two still precede the
     * {@code run_complete}. Does nothing once the run has completed. Never throws.
     */
    public void markSucceeded() {
        succeeded = true;
    }

    /**
     * Whether {@link #markSucceeded()} was called.
     *
     * @return {@code true} once the block marked the run as successful
     */
    public boolean isMarkedSucceeded() {
        return succeeded;
    }

    /**
     * Reports the run as failed by {@code error} now: an {@code error} event (not recoverable, with
     * the exception's class as type) and {@code run_complete "failed"}. Later calls, and
     * {@code close()}, report nothing more. Never throws.
     *
     * @param error what failed the run; {@code null} is reported as an unknown error
     */
    public void fail(Throwable error) {
        if (completed.compareAndSet(false, true)) {
            emitter.emitError(error, false);
            emitter.emitRunComplete(RunStatus.FAILED);
        }
    }

    /**
     * Reports the run complete with {@code status} now. Later calls (and {@code close()}) report
     * nothing more. Never throws.
     *
     * @param status how the run ended; {@code null} is written as {@code "failed"}
     */
    public void complete(RunStatus status) {
        if (completed.compareAndSet(false, true)) {
            emitter.emitRunComplete(status);
        }
    }

    /**
     * Ends the run: {@code run_complete "success"} if the block called {@link #markSucceeded()};
     * otherwise an {@code error} event of type {@value #ENDED_WITHOUT_SUCCESS} (not recoverable)
     * and {@code run_complete "failed"}; nothing when the run or its emitter already reported a
     * {@code run_complete}. Then flushes and closes the emitter (and {@link TrainingEvents#current()}
     * no longer returns it). Idempotent; never throws.
     */
    @Override
    public void close() {
        if (completed.compareAndSet(false, true) && !emitter.isRunComplete()) {
            if (succeeded) {
                emitter.emitRunComplete(RunStatus.SUCCESS);
            } else {
                emitter.emitError("the run ended without success: its TrainingRun was closed before"
                        + " markSucceeded() was called (an exception or an early return left the block)",
                        ENDED_WITHOUT_SUCCESS, false);
                emitter.emitRunComplete(RunStatus.FAILED);
            }
        }
        TrainingEvents.shutdown(emitter);
    }
}
