package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.queue.EventSlot;

import java.io.IOException;

/**
 * Turns one {@link EventSlot} into one line of JSON, read here as docs/wire-format.md writes it:
 * one method per event type writes {@code event_type}, that type's fields, the envelope every
 * event shares ({@link #envelope}: run_id, timestamp, seq, emitter_id, worker, elapsed or
 * duration) and that type's additive keys, in wire order. It repairs what the wire cannot carry:
 * NaN and the infinities become {@code null}, percentages are clamped, negative counts become 0,
 * unpaired surrogates become U+FFFD, and strings longer than the limit are cut with a visible
 * marker.
 *
 * <p>The values are written by {@link LineWriter}; what the stream has said so far (for
 * heartbeats, the ETA and item-count throughput) is kept by {@link StreamState}; the run's own
 * values are encoded once in {@link RunFields}. Encoding allocates nothing for the common values.
 * Not thread-safe: one encoder per writing thread.
 */
public final class EventEncoder {
    /** What ends a string that was cut at its limit. */
    public static final String TRUNCATION_MARKER = "...[truncated]";
    /** Longest metric name, tag key or tag value (unless maxStringChars is shorter): keeps the documented line bound true. */
    public static final int MAX_NAME_CHARS = 128;
    /** A required string given as null is written as this. */
    static final String UNKNOWN = "unknown";

    // Key names and event types, encoded once, in the order of docs/wire-format.md.
    /** Between the timestamp's digits and the seq's. */
    private static final byte[] TIMESTAMP_END_THROUGH_SEQ_KEY = LineWriter.ascii("\",\"seq\":");
    private static final Key METRICS = Key.of("metrics");

    private static final byte[] PROGRESS = LineWriter.opening("progress");
    private static final Key STAGE = Key.of("stage");
    private static final Key PROGRESS_PCT = Key.of("progress_pct");
    private static final Key CURRENT_TARGET = Key.of("current_target");
    private static final Key TARGETS_COMPLETE = Key.of("targets_complete");
    private static final Key TARGETS_TOTAL = Key.of("targets_total");
    private static final Key ETA_SECONDS = Key.of("eta_seconds");
    private static final Key EPOCH = Key.of("epoch");
    private static final Key STEP = Key.of("step");
    private static final Key THROUGHPUT = Key.of("throughput");

    private static final byte[] STAGE_CHANGE = LineWriter.opening("stage_change");
    private static final Key PREVIOUS_STAGE = Key.of("previous_stage");
    private static final Key NEW_STAGE = Key.of("new_stage");

    private static final byte[] TARGET_COMPLETE = LineWriter.opening("target_complete");
    private static final Key TARGET = Key.of("target");
    private static final Key STATUS = Key.of("status");
    private static final Key MODELS_TRAINED = Key.of("models_trained");
    private static final Key BEST_AUC = Key.of("best_auc");

    private static final byte[] RUN_COMPLETE = LineWriter.opening("run_complete");

    private static final byte[] ERROR = LineWriter.opening("error");
    private static final Key ERROR_MESSAGE = Key.of("error_message");
    private static final Key ERROR_TYPE = Key.of("error_type");
    private static final Key RECOVERABLE = Key.of("recoverable");

    private static final byte[] RUN_START = LineWriter.opening("run_start");
    private static final Key PID = Key.of("pid");
    private static final Key HOST = Key.of("host");
    private static final Key JVM_VERSION = Key.of("jvm_version");
    private static final Key START_TIME = Key.of("start_time");
    private static final Key TAGS = Key.of("tags");
    private static final Key PARAMS = Key.of("params");

    private static final byte[] HEARTBEAT = LineWriter.opening("heartbeat");

    private final RunFields run;
    private final LineWriter line;
    private final StreamState stream = new StreamState();

    /**
     * Makes an encoder that appends lines to {@code out}.
     *
     * @param runId the run id (repaired when needed; null is written as "unknown")
     * @param worker the worker written on every line, or null for none
     * @param run facts about this process and the run's tags and hyperparameters
     * @param maxStringChars longest string value; longer ones are cut and marked
     * @param out the batch buffer the lines are appended to
     */
    public EventEncoder(String runId, String worker, RunInfo run, int maxStringChars, BatchBuffer out) {
        StringRepair repair = new StringRepair(maxStringChars);
        this.run = new RunFields(runId, worker, run, repair);
        this.line = new LineWriter(out, repair);
    }

    /**
     * Appends the slot's line (ending in {@code \n}) to the batch buffer.
     *
     * @param e the event, read in seq order
     * @return the slot's argument problems, including those found while encoding; -1 when the
     *     line could not be encoded at all (nothing was appended)
     */
    public int encode(EventSlot e) {
        int start = line.lineStart();
        try {
            int problems = e.problems | writeEvent(e);
            line.end();
            return problems;
        } catch (IOException | RuntimeException failure) {
            line.discard(start);
            return -1;
        }
    }

    private int writeEvent(EventSlot e) throws IOException {
        switch (e.type) {
            case PROGRESS:
                return progress(e);
            case STAGE_CHANGE:
                return stageChange(e);
            case TARGET_COMPLETE:
                return targetComplete(e);
            case RUN_COMPLETE:
                return runComplete(e);
            case ERROR:
                return error(e);
            case RUN_START:
                return runStart(e);
            case HEARTBEAT:
                return heartbeat(e);
            default:
                throw new IllegalStateException("unknown event type " + e.type);
        }
    }

    private int progress(EventSlot e) throws IOException {
        line.begin(PROGRESS);
        int problems = line.requiredString(STAGE, e.stage);
        double pct = clampPercent(e.progressPct); // once, for the line, the heartbeat and the ETA
        line.numberOrNull(PROGRESS_PCT, pct);
        problems |= line.optionalString(CURRENT_TARGET, e.currentTarget);
        int total = Math.max(0, e.targetsTotal);
        int complete = Math.min(Math.max(0, e.targetsComplete), total);
        line.number(TARGETS_COMPLETE, complete);
        line.number(TARGETS_TOTAL, total);
        stream.progress(e.stage, pct, e.currentTarget, complete, total, e.timestampMicros);
        envelope(e, run.emitterThroughElapsedKey);
        line.numberOrNull(ETA_SECONDS, stream.etaSeconds(pct, e.timestampMicros));
        problems |= line.metrics(METRICS, e.metricNames, e.metricValues);
        line.countOrNull(EPOCH, e.epoch);
        line.countOrNull(STEP, e.step);
        line.numberOrNull(THROUGHPUT, e.throughputIsItemCount
                ? stream.throughputFromCount(e.throughput, e.timestampMicros) : givenThroughput(e.throughput));
        return problems;
    }

    private int stageChange(EventSlot e) throws IOException {
        line.begin(STAGE_CHANGE);
        int problems = 0;
        if (e.previousStageFromStream) {
            // The stage this stream is in as of this event (seq order): the last stage_change's
            // new stage or the last progress's stage, counted there already.
            line.optionalString(PREVIOUS_STAGE, stream.stage());
        } else {
            problems |= line.optionalString(PREVIOUS_STAGE, e.previousStage);
        }
        problems |= line.requiredString(NEW_STAGE, e.newStage);
        stream.stageChange(e.newStage, e.timestampMicros);
        envelope(e, run.emitterThroughElapsedKey);
        return problems;
    }

    private int targetComplete(EventSlot e) throws IOException {
        line.begin(TARGET_COMPLETE);
        int problems = line.requiredString(TARGET, e.target);
        line.plainString(STATUS, e.status);
        line.number(MODELS_TRAINED, Math.max(0, e.modelsTrained));
        line.numberOrNull(BEST_AUC, e.bestAuc);
        envelope(e, run.emitterThroughElapsedKey);
        problems |= line.metrics(METRICS, e.metricNames, e.metricValues);
        return problems;
    }

    private int runComplete(EventSlot e) throws IOException {
        line.begin(RUN_COMPLETE);
        line.plainString(STATUS, e.status);
        envelope(e, run.emitterThroughDurationKey);
        return 0;
    }

    private int error(EventSlot e) throws IOException {
        line.begin(ERROR);
        int problems = line.requiredString(ERROR_MESSAGE, e.errorMessage);
        problems |= line.requiredString(ERROR_TYPE, e.errorType);
        line.bool(RECOVERABLE, e.recoverable);
        envelope(e, run.emitterThroughElapsedKey);
        return problems;
    }

    /** The emitter's own first line: its content was checked (and counted) when the emitter was made. */
    private int runStart(EventSlot e) throws IOException {
        line.begin(RUN_START);
        RunInfo.ProcessFacts process = run.info.process();
        line.number(PID, process.pid);
        line.string(HOST, process.host);
        line.string(JVM_VERSION, process.jvmVersion);
        line.timestamp(START_TIME, run.startTime);
        line.stringMap(TAGS, run.tagKeys, run.tagValues);
        envelope(e, run.emitterThroughElapsedKey);
        line.params(PARAMS, run.paramNames, run.paramValues);
        return 0;
    }

    /** The stream's latest progress again, as written there. */
    private int heartbeat(EventSlot e) throws IOException {
        line.begin(HEARTBEAT);
        line.optionalString(STAGE, stream.stage());
        line.numberOrNull(PROGRESS_PCT, stream.pct());
        line.optionalString(CURRENT_TARGET, stream.target());
        line.number(TARGETS_COMPLETE, stream.complete());
        line.number(TARGETS_TOTAL, stream.total());
        envelope(e, run.emitterThroughElapsedKey);
        return 0;
    }

    /**
     * The keys every event has after its own fields: where the original format's object ends
     * ({@code run_id}, {@code timestamp}), then the additive keys shared by all types (see
     * docs/wire-format.md, "Compatibility rules": after timestamp, never reordered).
     */
    private void envelope(EventSlot e, byte[] emitterThroughSecondsKey) {
        // Constant bytes in three copies instead of a key and a value each.
        line.constant(run.runIdThroughTimestampKey);
        line.timestampDigits(e.timestampMicros);
        line.constant(TIMESTAMP_END_THROUGH_SEQ_KEY);
        line.number(e.seq);
        line.constant(emitterThroughSecondsKey);
        line.seconds(Math.max(0, e.timestampMicros - run.info.startMicros));
    }

    /** A throughput given by the caller: NaN, negative and infinite are written as null (-0.0 as 0). */
    private static double givenThroughput(double itemsPerSecond) {
        return itemsPerSecond >= 0.0 && itemsPerSecond != Double.POSITIVE_INFINITY
                ? itemsPerSecond + 0.0 : Double.NaN;
    }

    private static double clampPercent(double pct) {
        if (Double.isNaN(pct) || Double.isInfinite(pct)) {
            return Double.NaN;
        }
        return Math.max(0.0, Math.min(100.0, pct));
    }
}
