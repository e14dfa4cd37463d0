package dev.foxml.training.examples.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What the monitor knows about the run it shows, built from event lines alone and kept apart
 * from how it is drawn. It follows the seed's Rust view ({@code TrainingView.handle_event}):
 * {@code progress} sets stage, percent, current target and counts; {@code target_complete} adds
 * a row; {@code run_complete} ends the run (at 100 % when it succeeded). Beyond the Rust view it
 * also follows {@code stage_change} (which the seed emits but the view ignored) and {@code error}.
 *
 * <p>It tolerates everything a reader of a shared file meets: blank lines, lines that are not
 * JSON, unknown event types and keys (ignored, as serde does), fields of the wrong type (read as
 * absent), and lines seen twice. An event of an unknown type changes nothing shown, but counts
 * as a sign of life of its run (a heartbeat). A line with a {@code seq} is applied once per
 * ({@code run_id}, {@code worker}, {@code seq}), whichever way (socket or file) it arrives. An
 * event of another {@code run_id} starts a new view of that run.
 *
 * <p>Not thread-safe: one thread feeds it and reads it.
 */
public final class MonitorState {

    /** How many (run, worker, seq) keys are remembered for dropping duplicates. */
    static final int SEEN_CAPACITY = 100_000;
    /** How many errors are kept for display; older ones are only counted. */
    static final int ERRORS_KEPT = 20;

    private final EventParser parser = new EventParser();
    private final LinkedHashSet<SeenKey> seen = new LinkedHashSet<>();

    private String runId;
    private boolean hasRun;
    private String stage;
    private final List<String> stages = new ArrayList<>();
    private double progressPct;
    private String currentTarget;
    private int targetsComplete;
    private int targetsTotal;
    private final Map<String, TargetRow> completed = new LinkedHashMap<>();
    private final List<ErrorRow> errors = new ArrayList<>();
    private int errorCount;
    private String finalStatus;
    private boolean connectionLost;
    private Integer trainerExitCode;
    private Instant runStart;
    private Instant lastEventTime;
    private Instant lastReceivedAt;

    private long events;
    private long duplicates;
    private long malformed;
    private long unknownTypes;
    private long blank;

    /** Parses and applies one line as received at {@code receivedAt}. */
    public Update accept(String line, Instant receivedAt) {
        EventParser.Parsed parsed = parser.parse(line);
        if (parsed instanceof EventParser.Parsed.Blank) {
            blank++;
            return new Update(Update.Kind.BLANK, null, null, false);
        }
        if (parsed instanceof EventParser.Parsed.Malformed m) {
            malformed++;
            return new Update(Update.Kind.MALFORMED, null, m.reason() + ": " + abbreviate(line, 80), false);
        }
        return apply(((EventParser.Parsed.Event) parsed).event(), receivedAt);
    }

    /** Applies one parsed event received at {@code receivedAt}. */
    public Update apply(MonitorEvent event, Instant receivedAt) {
        if (event.seq() != null && !remember(new SeenKey(event.runId(), event.worker(), event.seq()))) {
            duplicates++;
            return new Update(Update.Kind.DUPLICATE, event, null, false);
        }
        if (!isKnown(event.type())) {
            unknownTypes++;
            if (hasRun && finalStatus == null && (event.runId() == null || event.runId().equals(runId))) {
                // Ignored as the Rust view ignores it, but it shows the trainer is alive (a heartbeat).
                noteArrival(event, receivedAt);
            }
            return new Update(Update.Kind.UNKNOWN_TYPE, event, event.type(), false);
        }
        events++;
        boolean newRun = !hasRun || (event.runId() != null && !event.runId().equals(runId));
        if (newRun) {
            startRun(event.runId());
        }
        noteArrival(event, receivedAt);

        switch (event.type()) {
            case "progress" -> onProgress(event);
            case "stage_change" -> onStageChange(event);
            case "target_complete" -> onTargetComplete(event);
            case "run_complete" -> onRunComplete(event);
            case "error" -> onError(event);
            default -> throw new IllegalStateException("unhandled known type " + event.type());
        }
        return new Update(Update.Kind.APPLIED, event, null, newRun);
    }

    private void noteArrival(MonitorEvent event, Instant receivedAt) {
        Instant at = event.timestamp() != null ? event.timestamp() : receivedAt;
        if (runStart == null) {
            runStart = at;
        }
        if (lastEventTime == null || at.isAfter(lastEventTime)) {
            lastEventTime = at;
        }
        lastReceivedAt = receivedAt;
        connectionLost = false;
    }

    /**
     * Notes that a trainer's connection closed. Only meaningful while the run is open: a trainer
     * that disappears without {@code run_complete} is shown as lost, not as running forever
     * (until another event for the run arrives, e.g. through the file fallback).
     */
    public Update connectionClosed(Instant at) {
        if (!hasRun || finalStatus != null) {
            return new Update(Update.Kind.IGNORED, null, "connection closed", false);
        }
        connectionLost = true;
        return new Update(Update.Kind.CONNECTION_LOST, null, "connection closed before run_complete", false);
    }

    /** Notes that the trainer process (started by the demo) exited with {@code exitCode}. */
    public Update trainerExited(int exitCode, Instant at) {
        trainerExitCode = exitCode;
        return new Update(Update.Kind.TRAINER_EXITED, null, "trainer exited with code " + exitCode, false);
    }

    private void startRun(String newRunId) {
        hasRun = true;
        runId = newRunId;
        stage = null;
        stages.clear();
        progressPct = 0;
        currentTarget = null;
        targetsComplete = 0;
        targetsTotal = 0;
        completed.clear();
        errors.clear();
        errorCount = 0;
        finalStatus = null;
        connectionLost = false;
        trainerExitCode = null;
        runStart = null;
        lastEventTime = null;
    }

    private void onProgress(MonitorEvent event) {
        String newStage = event.text("stage");
        if (newStage != null) {
            enterStage(newStage);
        }
        // As the Rust view: absent values read as 0 / none, not as "unchanged".
        progressPct = clampPercent(event.number("progress_pct").orElse(0));
        currentTarget = event.text("current_target");
        targetsComplete = event.count("targets_complete").orElse(0);
        targetsTotal = event.count("targets_total").orElse(0);
    }

    private void onStageChange(MonitorEvent event) {
        String newStage = event.text("new_stage");
        if (newStage != null && !newStage.equals(stage)) {
            enterStage(newStage);
            // Percent and target are per stage in the seed; the next progress event sets them.
            progressPct = 0;
            currentTarget = null;
        }
    }

    private void enterStage(String newStage) {
        if (stages.isEmpty() || !stages.get(stages.size() - 1).equals(newStage)) {
            stages.add(newStage);
        }
        stage = newStage;
    }

    private void onTargetComplete(MonitorEvent event) {
        String target = event.text("target");
        if (target == null) {
            return;
        }
        OptionalInt models = event.count("models_trained");
        OptionalDouble auc = event.number("best_auc");
        // A target reported again replaces its row in place rather than listing it twice.
        completed.put(target, new TargetRow(target, Objects.requireNonNullElse(event.text("status"), "?"),
                models.isPresent() ? models.getAsInt() : null,
                auc.isPresent() ? auc.getAsDouble() : null));
    }

    private void onRunComplete(MonitorEvent event) {
        finalStatus = Objects.requireNonNullElse(event.text("status"), "unknown");
        // The Rust view fills the bar whatever the status; a cancelled or failed run keeps
        // the progress it reached, which is what a person wants to see.
        if ("success".equals(finalStatus)) {
            progressPct = 100;
        }
        currentTarget = null;
    }

    private void onError(MonitorEvent event) {
        errorCount++;
        errors.add(new ErrorRow(Objects.requireNonNullElse(event.text("error_message"), ""),
                Objects.requireNonNullElse(event.text("error_type"), "unknown"), event.bool("recoverable")));
        if (errors.size() > ERRORS_KEPT) {
            errors.remove(0);
        }
    }

    private boolean remember(SeenKey key) {
        if (!seen.add(key)) {
            return false;
        }
        if (seen.size() > SEEN_CAPACITY) {
            Iterator<SeenKey> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    private static boolean isKnown(String type) {
        return switch (type) {
            case "progress", "stage_change", "target_complete", "run_complete", "error" -> true;
            default -> false;
        };
    }

    private static double clampPercent(double value) {
        return Math.max(0, Math.min(100, value));
    }

    static String abbreviate(String text, int max) {
        String flat = TerminalText.safe(text);
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }

    /** Whether any event of a run has been applied; before that the view is "No training running". */
    public boolean hasRun() {
        return hasRun;
    }

    /** The run shown, or {@code null} (no run yet, or events without {@code run_id}). */
    public String runId() {
        return runId;
    }

    /** The current stage, or {@code null} before the first stage is known. */
    public String stage() {
        return stage;
    }

    /** The stages seen in this run, in order. */
    public List<String> stages() {
        return List.copyOf(stages);
    }

    public double progressPct() {
        return progressPct;
    }

    public String currentTarget() {
        return currentTarget;
    }

    public int targetsComplete() {
        return targetsComplete;
    }

    public int targetsTotal() {
        return targetsTotal;
    }

    /** Completed targets in the order they first completed. */
    public List<TargetRow> completedTargets() {
        return List.copyOf(completed.values());
    }

    /** The most recent errors (at most {@value #ERRORS_KEPT}), oldest first. */
    public List<ErrorRow> errors() {
        return List.copyOf(errors);
    }

    /** All errors of the run, including those no longer kept. */
    public int errorCount() {
        return errorCount;
    }

    /** The {@code status} of {@code run_complete}, or {@code null} while the run has not completed. */
    public String finalStatus() {
        return finalStatus;
    }

    /** Whether the run has reported {@code run_complete}. */
    public boolean finished() {
        return finalStatus != null;
    }

    /** Whether a run is in progress as far as the events tell: started, not completed, trainer not gone. */
    public boolean running() {
        return hasRun && finalStatus == null && trainerExitCode == null;
    }

    /** Whether the trainer's connection closed while its run was still open. */
    public boolean connectionLost() {
        return connectionLost;
    }

    /** The exit code of the trainer process when the demo saw it exit, else {@code null}. */
    public Integer trainerExitCode() {
        return trainerExitCode;
    }

    /**
     * Time the run has taken: by the events' own timestamps from the first to the last, plus,
     * while it is running, the time since the last event arrived.
     */
    public Duration elapsed(Instant now) {
        Duration byEvents = elapsedByEvents();
        if (runStart == null || !running() || lastReceivedAt == null || now.isBefore(lastReceivedAt)) {
            return byEvents;
        }
        return byEvents.plus(Duration.between(lastReceivedAt, now));
    }

    /** Time from the run's first event to its latest, by the events' timestamps (arrival when they have none). */
    public Duration elapsedByEvents() {
        return runStart == null ? Duration.ZERO : Duration.between(runStart, lastEventTime);
    }

    /** Time since the last event arrived, or zero before any. */
    public Duration silence(Instant now) {
        return lastReceivedAt == null || now.isBefore(lastReceivedAt)
                ? Duration.ZERO : Duration.between(lastReceivedAt, now);
    }

    /** Events applied (not counting duplicates, unknown types, malformed and blank lines). */
    public long events() {
        return events;
    }

    public long duplicates() {
        return duplicates;
    }

    public long malformed() {
        return malformed;
    }

    public long unknownTypes() {
        return unknownTypes;
    }

    public long blankLines() {
        return blank;
    }

    /**
     * One completed target.
     *
     * @param name the target
     * @param status {@code success}, {@code failed}, {@code skipped} (or whatever was sent)
     * @param modelsTrained models trained, or {@code null} when not sent as a count
     * @param bestAuc best AUC, or {@code null} when none
     */
    public record TargetRow(String name, String status, Integer modelsTrained, Double bestAuc) {
    }

    /**
     * One reported error.
     *
     * @param message the error message
     * @param type the error type (often an exception's class name)
     * @param recoverable whether training goes on, or {@code null} when not sent
     */
    public record ErrorRow(String message, String type, Boolean recoverable) {
    }

    /**
     * What one input did to the state.
     *
     * @param kind what happened
     * @param event the event, when the input was one
     * @param detail why a line was not applied, or what happened to the trainer
     * @param newRun whether the event is the first of a run (the first run, or another run that
     *     replaces the one shown)
     */
    public record Update(Kind kind, MonitorEvent event, String detail, boolean newRun) {

        /** What an input turned out to be. */
        public enum Kind {
            APPLIED, DUPLICATE, UNKNOWN_TYPE, MALFORMED, BLANK, CONNECTION_LOST, TRAINER_EXITED, IGNORED
        }

        /** Whether the view may look different after this input. */
        public boolean changesView() {
            return kind != Kind.DUPLICATE && kind != Kind.BLANK && kind != Kind.IGNORED;
        }
    }

    private record SeenKey(String runId, String worker, long seq) {
    }
}
