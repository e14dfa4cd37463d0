package dev.foxml.training.examples.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the monitor knows about the run it shows, built from event lines alone and kept apart
 * from how it is drawn. It follows the dashboard's Rust view ({@code TrainingView.handle_event}):
 * {@code progress} sets stage, percent, current target and counts; {@code target_complete} adds
 * a row; {@code run_complete} ends the run (at 100 % when it succeeded). Beyond the Rust view it
 * also follows {@code stage_change} (which trainers emit but the Rust view ignores), {@code error},
 * {@code run_start} (host, pid, JVM, tags and parameters of each emitter) and what a progress line
 * may carry besides the original fields: epoch, step, throughput, ETA and metrics. Metrics are kept
 * per target (the latest values, and a short history of each for a sparkline).
 *
 * <p>It tolerates everything a reader of a shared file meets: blank lines, lines that are not
 * JSON, unknown event types and keys (ignored, as serde does), fields of the wrong type (read as
 * absent), and lines seen twice. An event of an unknown type changes nothing shown, but counts
 * as a sign of life of its run (a heartbeat). A line with a {@code seq} is applied once per
 * ({@code emitter_id}, {@code seq}), or per ({@code run_id}, {@code worker}, {@code seq}) from
 * emitters that write no {@code emitter_id}, whichever way (socket or file) it arrives. An event
 * of another {@code run_id} starts a new view of that run.
 *
 * <p>One run may have several emitters: the processes of a multi-worker run, a job retried with
 * the same run id, a trainer that initialised twice. Each is listed with its own status. The run
 * is finished when the latest emitter of each worker has reported {@code run_complete} (an
 * earlier emitter of the same worker is an attempt the later one replaces, whether it ended or
 * vanished); its final status is the worst of those: {@code failed}, then {@code cancelled}, then
 * anything else, then {@code success}.
 *
 * <p>Not thread-safe: one thread feeds it and reads it.
 *
 * <p>One class because it is one model of what the monitor shows, updated line by line under one
 * lock; the rendering and the input are elsewhere.
 */
public final class MonitorState {

    /** How many (run, worker, seq) keys are remembered for dropping duplicates. */
    static final int SEEN_CAPACITY = 100_000;
    /** How many errors are kept for display; older ones are only counted. */
    static final int ERRORS_KEPT = 20;
    /** How many values of each metric are kept per target, for its sparkline. */
    static final int HISTORY_KEPT = 24;
    /** The metric a sparkline shows by default: the first seen whose name has one of these in it. */
    private static final List<String> PREFERRED_METRICS = List.of("loss", "auc");

    private final EventParser parser = new EventParser();
    private final String sparkMetricOption;
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
    private final Map<String, Emitter> emitters = new LinkedHashMap<>();
    private final Set<String> metricNames = new LinkedHashSet<>();
    /** Metrics by target; the key {@code ""} holds those sent with no current target. */
    private final Map<String, TargetMetrics> metricsByTarget = new HashMap<>();
    private Long epoch;
    private Long step;
    private Double throughput;
    private Double etaSeconds;
    private Instant etaReceivedAt;

    private long events;
    private long duplicates;
    private long malformed;
    private long unknownTypes;
    private long blank;

    /** A state whose sparklines show the default metric (see {@link #sparkMetric()}). */
    public MonitorState() {
        this(null);
    }

    /**
     * @param sparkMetric the metric the sparklines show, or {@code null} for the default: the
     *     first metric seen whose name contains {@code loss} or {@code auc}, else the first seen
     */
    public MonitorState(String sparkMetric) {
        this.sparkMetricOption = sparkMetric == null || sparkMetric.isBlank() ? null : sparkMetric;
    }

    /** Parses and applies one line as received at {@code receivedAt}. */
    public Update accept(String line, Instant receivedAt) {
        EventParser.Parsed parsed = parser.parse(line);
        if (parsed instanceof EventParser.Parsed.Blank) {
            blank++;
            return new Update(Update.Kind.BLANK, null, null, false, false);
        }
        if (parsed instanceof EventParser.Parsed.Malformed m) {
            malformed++;
            return new Update(Update.Kind.MALFORMED, null, m.reason() + ": " + abbreviate(line, 80), false, false);
        }
        return apply(((EventParser.Parsed.Event) parsed).event(), receivedAt);
    }

    /** Applies one parsed event received at {@code receivedAt}. */
    public Update apply(MonitorEvent event, Instant receivedAt) {
        if (event.seq() != null && !remember(SeenKey.of(event))) {
            duplicates++;
            return new Update(Update.Kind.DUPLICATE, event, null, false, false);
        }
        if (!isKnown(event.type())) {
            unknownTypes++;
            if (hasRun && finalStatus == null && (event.runId() == null || event.runId().equals(runId))) {
                // Ignored as the Rust view ignores it, but it shows the trainer is alive (a heartbeat).
                noteArrival(event, receivedAt);
            }
            return new Update(Update.Kind.UNKNOWN_TYPE, event, event.type(), false, false);
        }
        events++;
        boolean newRun = !hasRun || (event.runId() != null && !event.runId().equals(runId));
        if (newRun) {
            startRun(event.runId());
        }
        noteArrival(event, receivedAt);
        String key = Emitter.key(event);
        Emitter emitter = emitters.get(key);
        boolean newEmitter = emitter == null;
        if (newEmitter) {
            emitter = new Emitter(event.emitterId(), event.worker());
            emitters.put(key, emitter);
            // A new attempt of a finished run makes it run again.
            updateFinalStatus();
        }

        switch (event.type()) {
            case "progress" -> onProgress(event, receivedAt);
            case "stage_change" -> onStageChange(event);
            case "target_complete" -> onTargetComplete(event);
            case "run_complete" -> onRunComplete(event, emitter);
            case "error" -> onError(event);
            case "run_start" -> onRunStart(event, emitter);
            default -> throw new IllegalStateException("unhandled known type " + event.type());
        }
        return new Update(Update.Kind.APPLIED, event, null, newRun, newEmitter && !newRun);
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
            return new Update(Update.Kind.IGNORED, null, "connection closed", false, false);
        }
        connectionLost = true;
        return new Update(Update.Kind.CONNECTION_LOST, null, "connection closed before run_complete", false, false);
    }

    /** Notes that the trainer process (started by the demo) exited with {@code exitCode}. */
    public Update trainerExited(int exitCode, Instant at) {
        trainerExitCode = exitCode;
        return new Update(Update.Kind.TRAINER_EXITED, null, "trainer exited with code " + exitCode, false, false);
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
        emitters.clear();
        metricNames.clear();
        metricsByTarget.clear();
        clearLoopFigures();
    }

    private void clearLoopFigures() {
        epoch = null;
        step = null;
        throughput = null;
        etaSeconds = null;
        etaReceivedAt = null;
    }

    private void onProgress(MonitorEvent event, Instant receivedAt) {
        String newStage = event.text("stage");
        if (newStage != null) {
            enterStage(newStage);
        }
        // As the Rust view: absent values read as 0 / none, not as "unchanged".
        progressPct = clampPercent(event.number("progress_pct").orElse(0));
        currentTarget = event.text("current_target");
        targetsComplete = event.count("targets_complete").orElse(0);
        targetsTotal = event.count("targets_total").orElse(0);
        epoch = boxed(event.whole("epoch"));
        step = boxed(event.whole("step"));
        OptionalDouble rate = event.number("throughput");
        throughput = rate.isPresent() && rate.getAsDouble() >= 0 ? rate.getAsDouble() : null;
        OptionalDouble eta = event.number("eta_seconds");
        etaSeconds = eta.isPresent() && eta.getAsDouble() >= 0 ? eta.getAsDouble() : null;
        etaReceivedAt = receivedAt;
        recordMetrics(currentTarget, event.numbers("metrics"));
    }

    private void recordMetrics(String target, Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        metricNames.addAll(metrics.keySet());
        metricsByTarget.computeIfAbsent(target == null ? "" : target, t -> new TargetMetrics()).record(metrics);
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private void onStageChange(MonitorEvent event) {
        String newStage = event.text("new_stage");
        if (newStage != null && !newStage.equals(stage)) {
            enterStage(newStage);
            // Percent and target are per stage in the wire format; the next progress event sets them.
            progressPct = 0;
            currentTarget = null;
            clearLoopFigures();
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
        Map<String, Double> metrics = event.numbers("metrics");
        // A target reported again replaces its row in place rather than listing it twice.
        completed.put(target, new TargetRow(target, Objects.requireNonNullElse(event.text("status"), "?"),
                models.isPresent() ? models.getAsInt() : null,
                auc.isPresent() ? auc.getAsDouble() : null, metrics));
        recordMetrics(target, metrics);
    }

    private void onRunComplete(MonitorEvent event, Emitter emitter) {
        emitter.status = Objects.requireNonNullElse(event.text("status"), "unknown");
        updateFinalStatus();
        if (finalStatus == null) {
            return;
        }
        // The Rust view fills the bar whatever the status; a cancelled or failed run keeps
        // the progress it reached, which is what a person wants to see.
        if ("success".equals(finalStatus)) {
            progressPct = 100;
        }
        currentTarget = null;
    }

    private void onRunStart(MonitorEvent event, Emitter emitter) {
        emitter.host = event.text("host");
        emitter.pid = boxed(event.whole("pid"));
        emitter.jvmVersion = event.text("jvm_version");
        emitter.startTime = event.text("start_time");
        emitter.tags = event.texts("tags");
        emitter.params = event.texts("params");
    }

    /** Finished when the latest emitter of each worker has completed; the worst status wins. */
    private void updateFinalStatus() {
        Map<String, Emitter> latestByWorker = new LinkedHashMap<>();
        for (Emitter emitter : emitters.values()) {
            latestByWorker.put(Objects.requireNonNullElse(emitter.worker, ""), emitter);
        }
        String worst = null;
        for (Emitter emitter : latestByWorker.values()) {
            if (emitter.status == null) {
                finalStatus = null;
                return;
            }
            if (worst == null || severity(emitter.status) > severity(worst)) {
                worst = emitter.status;
            }
        }
        finalStatus = worst;
    }

    private static int severity(String status) {
        return switch (status) {
            case "success" -> 0;
            case "cancelled" -> 2;
            case "failed" -> 3;
            default -> 1;
        };
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
            case "progress", "stage_change", "target_complete", "run_complete", "error", "run_start" -> true;
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

    /**
     * The emitters of the run, in the order they were first seen.
     *
     * @return one row per emitter (per {@code emitter_id}, or per worker from emitters without one)
     */
    public List<EmitterRow> emitters() {
        return emitters.values().stream().map(Emitter::row).toList();
    }

    /**
     * The most recently seen emitter that reported {@code run_start}: whose host, pid and
     * parameters the run shows.
     *
     * @return its row, or {@code null} when no emitter of the run sent {@code run_start}
     */
    public EmitterRow started() {
        EmitterRow latest = null;
        for (Emitter emitter : emitters.values()) {
            if (emitter.startTime != null || emitter.host != null || emitter.pid != null) {
                latest = emitter.row();
            }
        }
        return latest;
    }

    /**
     * The epoch of the latest progress line.
     *
     * @return the epoch, or {@code null} when it carried none
     */
    public Long epoch() {
        return epoch;
    }

    /**
     * The step of the latest progress line.
     *
     * @return the step, or {@code null} when it carried none
     */
    public Long step() {
        return step;
    }

    /**
     * The throughput of the latest progress line, in items per second.
     *
     * @return the throughput, or {@code null} when it carried none
     */
    public Double throughput() {
        return throughput;
    }

    /**
     * The time left in the stage by the latest progress line's {@code eta_seconds}, counted down
     * by the time since it arrived.
     *
     * @param now the time
     * @return the time left, or {@code null} when the line carried no ETA or the run is not running
     */
    public Duration eta(Instant now) {
        if (etaSeconds == null || !running()) {
            return null;
        }
        Duration eta = Duration.ofMillis(Math.round(etaSeconds * 1000));
        Duration since = now.isAfter(etaReceivedAt) ? Duration.between(etaReceivedAt, now) : Duration.ZERO;
        return eta.compareTo(since) > 0 ? eta.minus(since) : Duration.ZERO;
    }

    /**
     * The latest metrics sent for the current target (or with no target, when none is current).
     *
     * @return name to value ({@code null} for a value that was not a finite number), in the
     *     order sent; empty when none
     */
    public Map<String, Double> currentMetrics() {
        TargetMetrics metrics = metricsByTarget.get(currentTarget == null ? "" : currentTarget);
        return metrics == null ? Map.of() : metrics.latest;
    }

    /**
     * The metric the sparklines show: the one asked for, else the first metric seen in the run
     * whose name contains {@code loss} or {@code auc} (ignoring case), else the first metric seen.
     *
     * @return its name, or {@code null} when none was asked for and the run sent no metrics
     */
    public String sparkMetric() {
        if (sparkMetricOption != null) {
            return sparkMetricOption;
        }
        for (String name : metricNames) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (PREFERRED_METRICS.stream().anyMatch(lower::contains)) {
                return name;
            }
        }
        return metricNames.isEmpty() ? null : metricNames.iterator().next();
    }

    /**
     * The recent values of {@link #sparkMetric()} for a target, oldest first (at most {@value #HISTORY_KEPT}).
     *
     * @param target the target, or {@code null} for metrics sent with no target
     * @return the values; empty when none
     */
    public List<Double> sparkValues(String target) {
        String metric = sparkMetric();
        TargetMetrics metrics = metricsByTarget.get(target == null ? "" : target);
        if (metric == null || metrics == null) {
            return List.of();
        }
        Deque<Double> values = metrics.history.get(metric);
        return values == null ? List.of() : List.copyOf(values);
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
    public record TargetRow(String name, String status, Integer modelsTrained, Double bestAuc,
                            Map<String, Double> metrics) {

        /** A row without metrics. */
        public TargetRow(String name, String status, Integer modelsTrained, Double bestAuc) {
            this(name, status, modelsTrained, bestAuc, Map.of());
        }
    }

    /**
     * One emitter of the run: a process, or one {@code init} in a process.
     *
     * @param id its {@code emitter_id}, or {@code null} when it writes none
     * @param worker its {@code worker}, or {@code null}
     * @param host the host its {@code run_start} named, or {@code null}
     * @param pid the process id its {@code run_start} named, or {@code null}
     * @param jvmVersion the JVM its {@code run_start} named, or {@code null}
     * @param startTime when it started, as its {@code run_start} wrote it, or {@code null}
     * @param tags its {@code run_start}'s tags, in order; empty when none
     * @param params its {@code run_start}'s parameters, in order; empty when none
     * @param status the status of its {@code run_complete}, or {@code null} while it runs
     */
    public record EmitterRow(String id, String worker, String host, Long pid, String jvmVersion, String startTime,
                             Map<String, String> tags, Map<String, String> params, String status) {
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
     * @param newEmitter whether the event is the first of another emitter of the run shown (a
     *     retry, a second worker)
     */
    public record Update(Kind kind, MonitorEvent event, String detail, boolean newRun, boolean newEmitter) {

        /** What an input turned out to be. */
        public enum Kind {
            APPLIED, DUPLICATE, UNKNOWN_TYPE, MALFORMED, BLANK, CONNECTION_LOST, TRAINER_EXITED, IGNORED
        }

        /** Whether the view may look different after this input. */
        public boolean changesView() {
            return kind != Kind.DUPLICATE && kind != Kind.BLANK && kind != Kind.IGNORED;
        }
    }

    /** Identifies a line: by its emitter when the line names one, else by run and worker. */
    private record SeenKey(String emitterId, String runId, String worker, long seq) {

        static SeenKey of(MonitorEvent event) {
            return event.emitterId() != null ? new SeenKey(event.emitterId(), null, null, event.seq())
                    : new SeenKey(null, event.runId(), event.worker(), event.seq());
        }
    }

    /** What the run knows of one emitter. */
    private static final class Emitter {
        final String id;
        final String worker;
        String host;
        Long pid;
        String jvmVersion;
        String startTime;
        Map<String, String> tags = Map.of();
        Map<String, String> params = Map.of();
        String status;

        Emitter(String id, String worker) {
            this.id = id;
            this.worker = worker;
        }

        /** Lines without an {@code emitter_id} are told apart by worker only. */
        static String key(MonitorEvent event) {
            return event.emitterId() != null ? "id " + event.emitterId()
                    : "worker " + Objects.requireNonNullElse(event.worker(), "");
        }

        EmitterRow row() {
            return new EmitterRow(id, worker, host, pid, jvmVersion, startTime, tags, params, status);
        }
    }

    /** The latest metrics of one target, and a short history of each. */
    private static final class TargetMetrics {
        Map<String, Double> latest = Map.of();
        final Map<String, Deque<Double>> history = new HashMap<>();

        void record(Map<String, Double> metrics) {
            latest = metrics;
            metrics.forEach((name, value) -> {
                if (value != null) {
                    Deque<Double> values = history.computeIfAbsent(name, n -> new ArrayDeque<>());
                    values.addLast(value);
                    if (values.size() > HISTORY_KEPT) {
                        values.removeFirst();
                    }
                }
            });
        }
    }
}
