package dev.foxml.training.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An emitter that records each call as one readable line, for tests of the API's own logic
 * (run scopes, the current emitter, the per-target loop). Tracks run_complete and close as an
 * implementation does: a second run_complete is recorded as {@code dropped run_complete}.
 */
final class RecordingEmitter implements TrainingEventEmitter {

    private final String runId;
    private final List<String> events = new ArrayList<>();
    private volatile boolean closed;
    private volatile boolean runComplete;
    private int flushes;

    RecordingEmitter(String runId) {
        this.runId = runId;
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized int flushes() {
        return flushes;
    }

    private synchronized void record(String event) {
        events.add(closed ? "after close: " + event : event);
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public void emitProgress(String stage, double progressPct) {
        record("progress " + stage + " " + progressPct);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal) {
        record("progress " + stage + " " + progressPct + " " + currentTarget + " " + targetsComplete + "/"
                + targetsTotal);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, Map<String, ? extends Number> metrics) {
        record("progress " + stage + " " + progressPct + " " + currentTarget + " " + targetsComplete + "/"
                + targetsTotal + " " + metrics);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, long epoch, long step, double throughput,
                             Map<String, ? extends Number> metrics) {
        record("progress " + stage + " " + progressPct + " " + currentTarget + " " + targetsComplete + "/"
                + targetsTotal + " epoch=" + epoch + " step=" + step + " throughput=" + throughput + " " + metrics);
    }

    @Override
    public void emitStageChange(String previousStage, String newStage) {
        record("stage_change " + previousStage + " -> " + newStage);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status) {
        emitTargetComplete(target, status, 0, Double.NaN);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc) {
        record("target_complete " + target + " " + status + " " + modelsTrained + " " + bestAuc);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc,
                                   Map<String, ? extends Number> metrics) {
        record("target_complete " + target + " " + status + " " + modelsTrained + " " + bestAuc
                + (metrics == null ? "" : " " + metrics));
    }

    @Override
    public synchronized void emitRunComplete(RunStatus status) {
        if (runComplete) {
            record("dropped run_complete " + status);
            return;
        }
        runComplete = true;
        record("run_complete " + status);
    }

    @Override
    public void emitError(String errorMessage, String errorType, boolean recoverable) {
        record("error " + errorType + " " + (recoverable ? "recoverable" : "fatal") + ": " + errorMessage);
    }

    @Override
    public synchronized boolean flush() {
        flushes++;
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isRunComplete() {
        return runComplete;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
