package dev.foxml.training.events;

/**
 * What {@link TrainingEvents#current()} returns while no emitter is current: discards every event,
 * and the first one of each such period is reported by one warning, so that a trainer that forgot
 * {@code init} (or reports after its emitter was closed) learns why nothing arrives.
 */
final class NothingCurrentEmitter implements TrainingEventEmitter {

    static final NothingCurrentEmitter INSTANCE = new NothingCurrentEmitter();

    private NothingCurrentEmitter() {
    }

    private static void discarded(String eventType) {
        TrainingEvents.warnNothingCurrent(eventType);
    }

    @Override public String runId() { return ""; }
    @Override public void emitProgress(String stage, double progressPct) { discarded("progress"); }
    @Override public void emitProgress(String stage, double progressPct, String currentTarget,
                                       int targetsComplete, int targetsTotal) { discarded("progress"); }
    @Override public void emitStageChange(String previousStage, String newStage) { discarded("stage_change"); }
    @Override public void emitStageChange(String newStage) { discarded("stage_change"); }
    @Override public void emitTargetComplete(String target, TargetStatus status) { discarded("target_complete"); }
    @Override public void emitTargetComplete(String target, TargetStatus status, int modelsTrained,
                                             double bestAuc) { discarded("target_complete"); }
    @Override public void emitRunComplete(RunStatus status) { discarded("run_complete"); }
    @Override public void emitError(String errorMessage, String errorType, boolean recoverable) {
        discarded("error");
    }
    @Override public boolean flush() { return true; }
    @Override public void close() { }

    @Override
    public String toString() {
        return "no current training event emitter";
    }
}
