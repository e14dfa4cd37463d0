package dev.foxml.training.events.testkit;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@link TrainingEventEmitter} that keeps every call it receives, with all its arguments, so
 * that a test sees exactly what an integration passed (including epoch, step and throughput,
 * which an emitter may not write yet). Thread-safe.
 */
public final class RecordingEmitter implements TrainingEventEmitter {

    /**
     * One emit call.
     *
     * @param type {@code progress}, {@code stage_change}, {@code target_complete},
     *     {@code run_complete} or {@code error}
     * @param stage the stage (progress) or the stage entered (stage_change)
     * @param previousStage the stage left (stage_change), {@code null} otherwise
     * @param progressPct the percentage (progress), NaN otherwise
     * @param target the current target (progress) or the finished one (target_complete)
     * @param targetsComplete targets done (progress)
     * @param targetsTotal targets in all (progress)
     * @param epoch the epoch (progress), {@link TrainingEventEmitter#UNKNOWN} when not given
     * @param step the step (progress), {@link TrainingEventEmitter#UNKNOWN} when not given
     * @param throughput items per second (progress), NaN when not given
     * @param metrics a copy of the metrics, empty when none
     * @param status the status of target_complete or run_complete
     * @param modelsTrained models trained (target_complete)
     * @param bestAuc best AUC (target_complete), NaN for none
     * @param errorMessage the message (error)
     * @param errorType the type (error)
     * @param recoverable whether training goes on (error)
     */
    public record Call(String type, String stage, String previousStage, double progressPct, String target,
                       int targetsComplete, int targetsTotal, long epoch, long step, double throughput,
                       Map<String, Double> metrics, String status, int modelsTrained, double bestAuc,
                       String errorMessage, String errorType, boolean recoverable) {

        /**
         * A metric of the call.
         *
         * @param name the metric's name
         * @return its value
         * @throws AssertionError when the call has no such metric
         */
        public double metric(String name) {
            Double value = metrics.get(name);
            if (value == null) {
                throw new AssertionError("no metric " + name + " in " + this);
            }
            return value;
        }
    }

    private final String runId;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /**
     * A recorder for a run.
     *
     * @param runId the run id it reports
     */
    public RecordingEmitter(String runId) {
        this.runId = runId;
    }

    /**
     * Everything recorded so far, in order.
     *
     * @return a copy of the calls
     */
    public List<Call> calls() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    /**
     * The calls of one type, in order.
     *
     * @param type the type, e.g. {@code progress}
     * @return a copy of those calls
     */
    public List<Call> calls(String type) {
        return calls().stream().filter(c -> c.type().equals(type)).collect(Collectors.toList());
    }

    /**
     * The types of all calls, in order.
     *
     * @return e.g. {@code [stage_change, progress, progress, target_complete]}
     */
    public List<String> types() {
        return calls().stream().map(Call::type).collect(Collectors.toList());
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean closed() {
        return closed;
    }

    private static Map<String, Double> copy(Map<String, ? extends Number> metrics) {
        Map<String, Double> copy = new LinkedHashMap<>();
        if (metrics != null) {
            metrics.forEach((k, v) -> copy.put(k, v == null ? null : v.doubleValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    private void progress(String stage, double pct, String target, int done, int total, long epoch, long step,
                          double throughput, Map<String, ? extends Number> metrics) {
        calls.add(new Call("progress", stage, null, pct, target, done, total, epoch, step, throughput,
                copy(metrics), null, 0, Double.NaN, null, null, false));
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public void emitProgress(String stage, double progressPct) {
        progress(stage, progressPct, null, 0, 0, UNKNOWN, UNKNOWN, Double.NaN, null);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal) {
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, UNKNOWN, UNKNOWN, Double.NaN, null);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, Map<String, ? extends Number> metrics) {
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, UNKNOWN, UNKNOWN, Double.NaN,
                metrics);
    }

    @Override
    public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                             int targetsTotal, long epoch, long step, double throughput,
                             Map<String, ? extends Number> metrics) {
        progress(stage, progressPct, currentTarget, targetsComplete, targetsTotal, epoch, step, throughput, metrics);
    }

    @Override
    public void emitStageChange(String previousStage, String newStage) {
        calls.add(new Call("stage_change", newStage, previousStage, Double.NaN, null, 0, 0, UNKNOWN, UNKNOWN,
                Double.NaN, Map.of(), null, 0, Double.NaN, null, null, false));
    }

    @Override
    public void emitStageChange(String newStage) {
        emitStageChange(null, newStage);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status) {
        emitTargetComplete(target, status, 0, Double.NaN, null);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc) {
        emitTargetComplete(target, status, modelsTrained, bestAuc, null);
    }

    @Override
    public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc,
                                   Map<String, ? extends Number> metrics) {
        calls.add(new Call("target_complete", null, null, Double.NaN, target, 0, 0, UNKNOWN, UNKNOWN, Double.NaN,
                copy(metrics), status == null ? null : status.wireName(), modelsTrained, bestAuc, null, null,
                false));
    }

    @Override
    public void emitRunComplete(RunStatus status) {
        calls.add(new Call("run_complete", null, null, Double.NaN, null, 0, 0, UNKNOWN, UNKNOWN, Double.NaN,
                Map.of(), status == null ? null : status.wireName(), 0, Double.NaN, null, null, false));
    }

    @Override
    public void emitError(String errorMessage, String errorType, boolean recoverable) {
        calls.add(new Call("error", null, null, Double.NaN, null, 0, 0, UNKNOWN, UNKNOWN, Double.NaN, Map.of(),
                null, 0, Double.NaN, errorMessage, errorType, recoverable));
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public EmitterStats stats() {
        return EmitterStats.EMPTY;
    }
}
