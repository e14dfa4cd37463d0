package dev.foxml.training.events;

/** What {@link TrainingEvents} uses when no implementation is on the class path: accepts and discards. */
final class NoopTrainingEventEmitter implements TrainingEventEmitter {

    private final String runId;
    private volatile boolean closed;
    private volatile boolean runComplete;

    NoopTrainingEventEmitter(String runId) {
        this.runId = runId;
    }

    @Override public String runId() { return runId; }
    @Override public void emitProgress(String stage, double progressPct) { }
    @Override public void emitProgress(String stage, double progressPct, String currentTarget,
                                       int targetsComplete, int targetsTotal) { }
    @Override public void emitStageChange(String previousStage, String newStage) { }
    @Override public void emitTargetComplete(String target, TargetStatus status) { }
    @Override public void emitTargetComplete(String target, TargetStatus status, int modelsTrained,
                                             double bestAuc) { }
    @Override public void emitRunComplete(RunStatus status) { runComplete = true; }
    @Override public void emitError(String errorMessage, String errorType, boolean recoverable) { }
    @Override public boolean flush() { return true; }
    @Override public void close() { closed = true; }
    @Override public boolean isRunComplete() { return runComplete; }
    @Override public boolean isClosed() { return closed; }
}
