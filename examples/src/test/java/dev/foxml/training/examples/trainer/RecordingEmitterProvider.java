package dev.foxml.training.examples.trainer;

import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.spi.TrainingEventEmitterProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only provider, registered in {@code META-INF/services} and chosen with
 * {@code -Dfoxml.training.event.provider} (set by the surefire configuration), whose emitters
 * record every call as the event the seed would write, keys in wire order.
 */
public final class RecordingEmitterProvider implements TrainingEventEmitterProvider {

    private static final List<RecordingEmitter> CREATED = Collections.synchronizedList(new ArrayList<>());

    @Override
    public TrainingEventEmitter create(String runId) {
        RecordingEmitter emitter = new RecordingEmitter(runId);
        CREATED.add(emitter);
        return emitter;
    }

    /** The emitter created for {@code runId}. */
    static RecordingEmitter emitterFor(String runId) {
        synchronized (CREATED) {
            return CREATED.stream().filter(e -> e.runId().equals(runId)).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no emitter was created for run " + runId
                            + "; is -Dfoxml.training.event.provider set to " + RecordingEmitterProvider.class.getName() + "?"));
        }
    }

    /** Records events as ordered maps of the seed's keys (without run_id and timestamp). */
    static final class RecordingEmitter implements TrainingEventEmitter {

        private final String runId;
        private final List<Map<String, Object>> events = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean closed;

        RecordingEmitter(String runId) {
            this.runId = runId;
        }

        List<Map<String, Object>> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        boolean closed() {
            return closed;
        }

        private void record(Object... keysAndValues) {
            Map<String, Object> event = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                event.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            events.add(Collections.unmodifiableMap(event));
        }

        @Override public String runId() { return runId; }

        @Override
        public void emitProgress(String stage, double progressPct) {
            emitProgress(stage, progressPct, null, 0, 0);
        }

        @Override
        public void emitProgress(String stage, double progressPct, String currentTarget, int targetsComplete,
                                 int targetsTotal) {
            record("event_type", "progress", "stage", stage, "progress_pct", progressPct,
                    "current_target", currentTarget, "targets_complete", targetsComplete, "targets_total", targetsTotal);
        }

        @Override
        public void emitStageChange(String previousStage, String newStage) {
            record("event_type", "stage_change", "previous_stage", previousStage, "new_stage", newStage);
        }

        @Override
        public void emitTargetComplete(String target, TargetStatus status) {
            emitTargetComplete(target, status, 0, Double.NaN);
        }

        @Override
        public void emitTargetComplete(String target, TargetStatus status, int modelsTrained, double bestAuc) {
            record("event_type", "target_complete", "target", target, "status", status.wireName(),
                    "models_trained", modelsTrained, "best_auc", Double.isNaN(bestAuc) ? null : bestAuc);
        }

        @Override
        public void emitRunComplete(RunStatus status) {
            record("event_type", "run_complete", "status", status.wireName());
        }

        @Override
        public void emitError(String errorMessage, String errorType, boolean recoverable) {
            record("event_type", "error", "error_message", errorMessage, "error_type", errorType,
                    "recoverable", recoverable);
        }

        @Override public boolean flush() { return true; }

        @Override public void close() { closed = true; }
    }
}
