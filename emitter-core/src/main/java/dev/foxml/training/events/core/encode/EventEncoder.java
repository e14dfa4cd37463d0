package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.IOException;

/**
 * Turns one {@link EventSlot} into one line of JSON exactly as docs/wire-format.md orders it, through
 * jackson-core's streaming generator, and repairs what the wire cannot carry: NaN and the
 * infinities become {@code null}, percentages are clamped, negative counts become 0, unpaired
 * surrogates become U+FFFD, and strings longer than the limit are cut with a visible marker.
 * All non-ASCII characters are written as {@code \\uXXXX} escapes (as Python's
 * {@code json.dumps} does), so U+2028/U+2029 and control characters can never break a line.
 *
 * <p>One generator and its buffers are kept for the encoder's life: encoding allocates nothing
 * for the common values. Not thread-safe: one encoder per writing thread.
 */
public final class EventEncoder {
    public static final String TRUNCATION_MARKER = "...[truncated]";
    static final String UNKNOWN = "unknown";
    /** Longest metric name, tag key or tag value (unless maxStringChars is shorter): keeps the documented line bound true. */
    public static final int MAX_NAME_CHARS = 128;
    /** An ETA from less than a second of a stage is noise, not an estimate. */
    static final long MIN_ETA_BASIS_MICROS = 1_000_000L;

    private static final JsonFactory FACTORY = new JsonFactory();

    private static final SerializedString EVENT_TYPE = new SerializedString("event_type");
    private static final SerializedString RUN_ID = new SerializedString("run_id");
    private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializedString SEQ = new SerializedString("seq");
    private static final SerializedString EMITTER_ID = new SerializedString("emitter_id");
    private static final SerializedString WORKER = new SerializedString("worker");
    private static final SerializedString ELAPSED_SECONDS = new SerializedString("elapsed_seconds");
    private static final SerializedString ETA_SECONDS = new SerializedString("eta_seconds");
    private static final SerializedString DURATION_SECONDS = new SerializedString("duration_seconds");
    private static final SerializedString METRICS = new SerializedString("metrics");

    private static final SerializedString RUN_START = new SerializedString("run_start");
    private static final SerializedString PID = new SerializedString("pid");
    private static final SerializedString HOST = new SerializedString("host");
    private static final SerializedString JVM_VERSION = new SerializedString("jvm_version");
    private static final SerializedString START_TIME = new SerializedString("start_time");
    private static final SerializedString TAGS = new SerializedString("tags");
    private static final SerializedString PARAMS = new SerializedString("params");
    private static final SerializedString HEARTBEAT = new SerializedString("heartbeat");

    private static final SerializedString PROGRESS = new SerializedString("progress");
    private static final SerializedString STAGE = new SerializedString("stage");
    private static final SerializedString PROGRESS_PCT = new SerializedString("progress_pct");
    private static final SerializedString CURRENT_TARGET = new SerializedString("current_target");
    private static final SerializedString TARGETS_COMPLETE = new SerializedString("targets_complete");
    private static final SerializedString TARGETS_TOTAL = new SerializedString("targets_total");
    private static final SerializedString EPOCH = new SerializedString("epoch");
    private static final SerializedString STEP = new SerializedString("step");
    private static final SerializedString THROUGHPUT = new SerializedString("throughput");

    private static final SerializedString STAGE_CHANGE = new SerializedString("stage_change");
    private static final SerializedString PREVIOUS_STAGE = new SerializedString("previous_stage");
    private static final SerializedString NEW_STAGE = new SerializedString("new_stage");

    private static final SerializedString TARGET_COMPLETE = new SerializedString("target_complete");
    private static final SerializedString TARGET = new SerializedString("target");
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString MODELS_TRAINED = new SerializedString("models_trained");
    private static final SerializedString BEST_AUC = new SerializedString("best_auc");

    private static final SerializedString RUN_COMPLETE = new SerializedString("run_complete");

    private static final SerializedString ERROR = new SerializedString("error");
    private static final SerializedString ERROR_MESSAGE = new SerializedString("error_message");
    private static final SerializedString ERROR_TYPE = new SerializedString("error_type");
    private static final SerializedString RECOVERABLE = new SerializedString("recoverable");

    private final int maxStringChars;
    /** The run id and worker as written, repaired: kept for {@link #runIdAsWritten()}. */
    private final String runId;
    /**
     * The run id and worker as quoted JSON literals with every non-ASCII character escaped,
     * written with writeRawValue: a SerializedString would be written as raw UTF-8 (its quoting
     * ignores the generator's highest non-escaped char), raw U+2028/U+2029 included.
     */
    private final AsciiBytes runIdLiteral;
    private final AsciiBytes workerLiteral;
    private final AsciiBytes emitterIdLiteral;
    private final RunInfo run;
    /** Longest metric name, tag key or tag value here: {@link #MAX_NAME_CHARS}, or less if all strings are shorter. */
    private final int nameLimit;
    /** Tag keys and values as written (repaired once, here); a null key is a dropped duplicate. */
    private final String[] tagKeys;
    private final String[] tagValues;
    /** Hyperparameter names as written (repaired once, here); a null name is a dropped duplicate. */
    private final String[] paramNames;
    /** Values as written: strings repaired and cut like tag values; Long, Double, Boolean or null. */
    private final Object[] paramValues;
    private final byte[] startTime;
    private final BatchBuffer out;
    private final TimestampFormat timestamps = new TimestampFormat();
    /** The number being written, formatted by {@link DoubleFormat}. */
    private final AsciiBytes number = new AsciiBytes(32);
    private final LiteralCache literals = new LiteralCache();
    private final char[] stringScratch;
    private JsonGenerator generator;

    // What the stream has said so far, for the ETA and for heartbeats (which repeat it). Events
    // reach one encoder in emit order, so this is the state as of the event being encoded.
    private String etaStage;
    private long etaStageStartMicros;
    private double etaStageStartPct;
    private String lastStage;
    private double lastPct = Double.NaN;
    private String lastTarget;
    private int lastComplete;
    private int lastTotal;
    // The item count of the last progress that carried one, and when: the throughput's window.
    private double lastItems = Double.NaN;
    private long lastItemsMicros;

    public EventEncoder(String runId, int maxStringChars, BatchBuffer out) {
        this(runId, null, new RunInfo(0, java.util.Map.of()), maxStringChars, out);
    }

    public EventEncoder(String runId, String worker, RunInfo run, int maxStringChars, BatchBuffer out) {
        this.maxStringChars = maxStringChars;
        this.out = out;
        this.run = run;
        this.stringScratch = new char[maxStringChars + TRUNCATION_MARKER.length()];
        this.nameLimit = Math.min(MAX_NAME_CHARS, maxStringChars);
        this.runId = sanitized(runId == null ? UNKNOWN : runId);
        this.runIdLiteral = new AsciiBytes(asciiLiteral(this.runId));
        this.workerLiteral = worker == null ? null : new AsciiBytes(asciiLiteral(sanitized(worker)));
        this.emitterIdLiteral = new AsciiBytes(asciiLiteral(run.emitterId));
        this.startTime = new TimestampFormat().format(run.startMicros).clone();
        this.tagKeys = nameProblems(run.tagNames) == 0 ? run.tagNames : repairedNames(run.tagNames);
        this.tagValues = new String[run.tagValues.length];
        for (int i = 0; i < tagValues.length; i++) {
            String v = run.tagValues[i];
            tagValues[i] = v == null ? null : sanitized(v, nameLimit);
        }
        this.paramNames = nameProblems(run.paramNames) == 0 ? run.paramNames : repairedNames(run.paramNames);
        this.paramValues = new Object[run.paramValues.length];
        for (int i = 0; i < paramValues.length; i++) {
            Object v = run.paramValues[i];
            paramValues[i] = v instanceof String ? sanitized((String) v, nameLimit) : v;
        }
        this.generator = newGenerator(out);
    }

    /** Problems in hyperparameter names and values, for the emitter to count once at start. */
    public int paramProblems() {
        int problems = run.paramProblems | nameProblems(run.paramNames);
        for (Object v : run.paramValues) {
            if (v instanceof String) {
                String s = (String) v;
                problems |= ArgumentProblems.characters(s) | (s.length() > nameLimit ? ArgumentProblems.TOO_LONG : 0);
            }
        }
        return problems;
    }

    /** Problems in tag keys and values, for the emitter to count once at start. */
    public int tagProblems() {
        int problems = nameProblems(run.tagNames);
        for (String v : run.tagValues) {
            if (v != null) {
                problems |= ArgumentProblems.characters(v) | (v.length() > nameLimit ? ArgumentProblems.TOO_LONG : 0);
            }
        }
        return problems;
    }

    private String sanitized(String s) {
        return new String(stringScratch, 0, sanitize(s));
    }

    private String sanitized(String s, int maxChars) {
        return new String(stringScratch, 0, sanitize(s, maxChars));
    }

    /**
     * {@code s} as a quoted JSON string of ASCII only, written by a generator set up like the
     * line generator: the same bytes writing {@code s} in a line gives. Allocates.
     */
    static byte[] asciiLiteral(String s) {
        java.io.ByteArrayOutputStream literal = new java.io.ByteArrayOutputStream(s.length() + 2);
        try (JsonGenerator g = newGenerator(literal)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a string as JSON", e);
        }
        return literal.toByteArray();
    }

    private static JsonGenerator newGenerator(java.io.OutputStream out) {
        try {
            JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            // Every character above ASCII as an escape: no raw U+2028/2029, and the same
            // bytes Python's json.dumps (ensure_ascii) writes.
            g.setHighestNonEscapedChar(0x7F);
            g.setRootValueSeparator(null);
            return g;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a JSON generator", e);
        }
    }

    /** The run id as written (after repair): what a reader sees in {@code run_id}. */
    String runIdAsWritten() {
        return runId;
    }

    /**
     * Appends the slot's line (ending in {@code \n}) to the batch buffer.
     *
     * @return the slot's argument problems, including those found while encoding; -1 when the
     *     line could not be encoded at all (nothing was appended)
     */
    public int encode(EventSlot e) {
        int start = out.size();
        try {
            int problems = writeEvent(e);
            out.lineEnded();
            return problems;
        } catch (IOException | RuntimeException failure) {
            // The generator's state is unknown after a failure: forget the partial line and
            // start from a fresh generator so that no torn line is ever written.
            out.truncate(start);
            generator = newGenerator(out);
            return -1;
        }
    }

    private int writeEvent(EventSlot e) throws IOException {
        JsonGenerator g = generator;
        int problems = e.problems;
        double pct = Double.NaN; // progress: clamped once, for the line, the heartbeat and the ETA
        g.writeStartObject();
        g.writeFieldName(EVENT_TYPE);
        switch (e.type) {
            case PROGRESS:
                g.writeString(PROGRESS);
                g.writeFieldName(STAGE);
                problems |= writeRequiredString(e.stage);
                pct = clampPercent(e.progressPct);
                g.writeFieldName(PROGRESS_PCT);
                writeNumberOrNull(pct);
                g.writeFieldName(CURRENT_TARGET);
                problems |= writeOptionalString(e.currentTarget);
                int total = Math.max(0, e.targetsTotal);
                int complete = Math.min(Math.max(0, e.targetsComplete), total);
                g.writeFieldName(TARGETS_COMPLETE);
                g.writeNumber(complete);
                g.writeFieldName(TARGETS_TOTAL);
                g.writeNumber(total);
                trackProgress(e, pct, complete, total);
                break;
            case STAGE_CHANGE:
                g.writeString(STAGE_CHANGE);
                g.writeFieldName(PREVIOUS_STAGE);
                if (e.previousStageFromStream) {
                    // The stage this stream is in as of this event (seq order): the last
                    // stage_change's new stage or the last progress's stage, as written there.
                    writeOptionalString(lastStage);
                } else {
                    problems |= writeOptionalString(e.previousStage);
                }
                g.writeFieldName(NEW_STAGE);
                problems |= writeRequiredString(e.newStage);
                trackStageChange(e);
                break;
            case TARGET_COMPLETE:
                g.writeString(TARGET_COMPLETE);
                g.writeFieldName(TARGET);
                problems |= writeRequiredString(e.target);
                g.writeFieldName(STATUS);
                g.writeString(e.status);
                g.writeFieldName(MODELS_TRAINED);
                g.writeNumber(Math.max(0, e.modelsTrained));
                g.writeFieldName(BEST_AUC);
                writeNumberOrNull(e.bestAuc);
                break;
            case RUN_COMPLETE:
                g.writeString(RUN_COMPLETE);
                g.writeFieldName(STATUS);
                g.writeString(e.status);
                break;
            case ERROR:
                g.writeString(ERROR);
                g.writeFieldName(ERROR_MESSAGE);
                problems |= writeRequiredString(e.errorMessage);
                g.writeFieldName(ERROR_TYPE);
                problems |= writeRequiredString(e.errorType);
                g.writeFieldName(RECOVERABLE);
                g.writeBoolean(e.recoverable);
                break;
            case RUN_START:
                g.writeString(RUN_START);
                g.writeFieldName(PID);
                g.writeNumber(run.pid);
                g.writeFieldName(HOST);
                writeString(run.host);
                g.writeFieldName(JVM_VERSION);
                writeString(run.jvmVersion);
                g.writeFieldName(START_TIME);
                g.writeRawUTF8String(startTime, 0, TimestampFormat.LENGTH);
                g.writeFieldName(TAGS);
                if (tagKeys.length == 0) {
                    g.writeNull();
                } else {
                    g.writeStartObject();
                    for (int i = 0; i < tagKeys.length; i++) {
                        if (tagKeys[i] != null) {
                            g.writeFieldName(tagKeys[i]);
                            writeOptionalString(tagValues[i]);
                        }
                    }
                    g.writeEndObject();
                }
                break;
            case HEARTBEAT:
                g.writeString(HEARTBEAT);
                g.writeFieldName(STAGE);
                writeOptionalString(lastStage);
                g.writeFieldName(PROGRESS_PCT);
                writeNumberOrNull(lastPct);
                g.writeFieldName(CURRENT_TARGET);
                writeOptionalString(lastTarget);
                g.writeFieldName(TARGETS_COMPLETE);
                g.writeNumber(lastComplete);
                g.writeFieldName(TARGETS_TOTAL);
                g.writeNumber(lastTotal);
                break;
            default:
                throw new IllegalStateException("unknown event type " + e.type);
        }
        g.writeFieldName(RUN_ID);
        g.writeRawValue(runIdLiteral);
        g.writeFieldName(TIMESTAMP);
        // ASCII digits and "-T:.+" only: nothing to escape.
        g.writeRawUTF8String(timestamps.format(e.timestampMicros), 0, TimestampFormat.LENGTH);
        // Additive keys (docs/wire-format.md, "Compatibility rules"): after timestamp, never reordered.
        g.writeFieldName(SEQ);
        g.writeNumber(e.seq);
        g.writeFieldName(EMITTER_ID);
        g.writeRawValue(emitterIdLiteral);
        if (workerLiteral != null) {
            g.writeFieldName(WORKER);
            g.writeRawValue(workerLiteral);
        }
        long elapsedMicros = Math.max(0, e.timestampMicros - run.startMicros);
        g.writeFieldName(e.type == EventType.RUN_COMPLETE ? DURATION_SECONDS : ELAPSED_SECONDS);
        writeFinite(elapsedMicros / 1e6);
        if (e.type == EventType.RUN_START) {
            g.writeFieldName(PARAMS);
            writeParams();
        }
        if (e.type == EventType.PROGRESS) {
            g.writeFieldName(ETA_SECONDS);
            writeNumberOrNull(etaSeconds(e, pct));
        }
        if (e.type == EventType.PROGRESS || e.type == EventType.TARGET_COMPLETE) {
            g.writeFieldName(METRICS);
            problems |= writeMetrics(e.metricNames, e.metricValues);
        }
        if (e.type == EventType.PROGRESS) {
            g.writeFieldName(EPOCH);
            writeCountOrNull(e.epoch);
            g.writeFieldName(STEP);
            writeCountOrNull(e.step);
            g.writeFieldName(THROUGHPUT);
            writeNumberOrNull(e.throughputIsItemCount ? throughputFromCount(e) : throughput(e.throughput));
        }
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
        return problems;
    }

    private void writeCountOrNull(long count) throws IOException {
        if (count < 0) {
            generator.writeNull();
        } else {
            generator.writeNumber(count);
        }
    }

    /** A throughput given by the caller: NaN, negative and infinite are written as null (-0.0 as 0). */
    private static double throughput(double itemsPerSecond) {
        return itemsPerSecond >= 0.0 && itemsPerSecond != Double.POSITIVE_INFINITY
                ? itemsPerSecond + 0.0 : Double.NaN;
    }

    /**
     * Items per second between the previous progress that carried an item count and this one,
     * from their counts and timestamps. NaN (null) for the first count, for a count lower than
     * the previous one (a new window starts there: a counter reset at an epoch or target), for
     * no count, and when no time has passed (the window then stays open until time has passed).
     */
    private double throughputFromCount(EventSlot e) {
        double items = e.throughput;
        if (Double.isNaN(items)) {
            return Double.NaN;
        }
        long spent = e.timestampMicros - lastItemsMicros;
        if (Double.isNaN(lastItems) || items < lastItems || spent < 0) {
            lastItems = items;
            lastItemsMicros = e.timestampMicros;
            return Double.NaN;
        }
        if (spent == 0) {
            return Double.NaN;
        }
        double rate = (items - lastItems) * 1e6 / spent;
        lastItems = items;
        lastItemsMicros = e.timestampMicros;
        return rate;
    }

    /** The run's hyperparameters as an object, or null when there are none. */
    private void writeParams() throws IOException {
        if (paramNames.length == 0) {
            generator.writeNull();
            return;
        }
        generator.writeStartObject();
        for (int i = 0; i < paramNames.length; i++) {
            if (paramNames[i] == null) {
                continue; // a duplicate once repaired: one key, one value
            }
            generator.writeFieldName(paramNames[i]);
            Object v = paramValues[i];
            if (v == null) {
                generator.writeNull();
            } else if (v instanceof String) {
                writeString((String) v);
            } else if (v instanceof Boolean) {
                generator.writeBoolean((Boolean) v);
            } else if (v instanceof Long) {
                generator.writeNumber((Long) v);
            } else {
                writeNumberOrNull((Double) v);
            }
        }
        generator.writeEndObject();
    }

    /** What a progress event says, as written (clamped): for the ETA and for heartbeats. */
    private void trackProgress(EventSlot e, double pct, int complete, int total) {
        String stage = e.stage == null ? UNKNOWN : e.stage;
        if (!stage.equals(etaStage)) {
            etaStage = stage;
            etaStageStartMicros = e.timestampMicros;
            etaStageStartPct = Double.isNaN(pct) ? 0.0 : pct;
        }
        lastStage = stage;
        lastPct = pct;
        lastTarget = e.currentTarget;
        lastTotal = total;
        lastComplete = complete;
    }

    private void trackStageChange(EventSlot e) {
        String stage = e.newStage == null ? UNKNOWN : e.newStage;
        etaStage = stage;
        etaStageStartMicros = e.timestampMicros;
        etaStageStartPct = 0.0;
        lastStage = stage;
        lastPct = 0.0;
        lastTarget = null;
        lastComplete = 0;
        lastTotal = 0;
    }

    /**
     * Seconds left in the current stage at the rate it has progressed since it started (the
     * trainer's percentages restart at each stage), to the millisecond; NaN (null) until the stage
     * has made progress over at least a second.
     */
    private double etaSeconds(EventSlot e, double pct) {
        if (Double.isNaN(pct)) {
            return Double.NaN;
        }
        if (pct >= 100.0) {
            return 0.0;
        }
        double done = pct - etaStageStartPct;
        long spentMicros = e.timestampMicros - etaStageStartMicros;
        if (done <= 0.0 || spentMicros < MIN_ETA_BASIS_MICROS) {
            return Double.NaN;
        }
        double eta = spentMicros / 1e6 * (100.0 - pct) / done;
        return Math.round(eta * 1000.0) / 1000.0;
    }

    private static double clampPercent(double pct) {
        if (Double.isNaN(pct) || Double.isInfinite(pct)) {
            return Double.NaN;
        }
        return Math.max(0.0, Math.min(100.0, pct));
    }

    /** The metrics object, or null; non-finite values are written as null and reported. */
    private int writeMetrics(String[] names, double[] values) throws IOException {
        if (names == null) {
            generator.writeNull();
            return 0;
        }
        int problems = nameProblems(names);
        String[] repaired = problems == 0 ? null : repairedNames(names);
        generator.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            String name = repaired == null ? names[i] : repaired[i];
            if (name == null) {
                continue; // a duplicate once repaired: one key, one value
            }
            generator.writeFieldName(name);
            double v = values[i];
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                problems |= ArgumentProblems.NOT_FINITE;
            }
            writeNumberOrNull(v);
        }
        generator.writeEndObject();
        return problems;
    }

    /** What is wrong with object keys (metric names, tag keys): nothing on the common path. */
    private int nameProblems(String[] names) {
        int problems = 0;
        for (String name : names) {
            if (name == null) {
                problems |= ArgumentProblems.NULL_STRING;
            } else {
                problems |= ArgumentProblems.characters(name);
                if (name.length() > nameLimit) {
                    problems |= ArgumentProblems.TOO_LONG;
                }
            }
        }
        return problems;
    }

    /**
     * Keys as written: null becomes "unknown", unpaired surrogates U+FFFD, long ones are cut at
     * {@value #MAX_NAME_CHARS} chars; a key that repair made equal to an earlier one is null
     * (left out), so that no object ever has a key twice. Allocates: only for keys needing repair.
     */
    private String[] repairedNames(String[] names) {
        String[] out = new String[names.length];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i] == null ? UNKNOWN : sanitized(names[i], nameLimit);
            out[i] = seen.add(name) ? name : null;
        }
        return out;
    }

    private void writeNumberOrNull(double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            generator.writeNull();
        } else {
            writeFinite(value);
        }
    }

    private void writeFinite(double value) throws IOException {
        int len = DoubleFormat.format(value, number.bytes);
        if (len > 0) {
            number.length = len;
            generator.writeRawValue(number);
        } else {
            generator.writeNumber(value);
        }
    }

    private int writeRequiredString(String s) throws IOException {
        return writeString(s == null ? UNKNOWN : s);
    }

    private int writeOptionalString(String s) throws IOException {
        if (s == null) {
            generator.writeNull();
            return 0;
        }
        return writeString(s);
    }

    /** Writes a string, repaired when needed; returns the character problems found in it. */
    private int writeString(String s) throws IOException {
        AsciiBytes literal = literals.find(s);
        if (literal != null) {
            generator.writeRawValue(literal); // kept only for strings without problems
            return 0;
        }
        int problems = ArgumentProblems.characters(s);
        if ((problems & ArgumentProblems.LONE_SURROGATE) == 0 && s.length() <= maxStringChars) {
            generator.writeString(s);
            if (problems == 0) {
                literals.written(s);
            }
        } else {
            generator.writeString(stringScratch, 0, sanitize(s));
        }
        return s.length() > maxStringChars ? problems | ArgumentProblems.TOO_LONG : problems;
    }

    /**
     * Copies {@code s} into the scratch buffer with unpaired surrogates replaced by U+FFFD and,
     * when longer than the limit, cut and marked; a surrogate pair that the cut splits leaves
     * its first half, which becomes U+FFFD like any unpaired surrogate.
     *
     * @return the number of chars in the scratch buffer
     */
    private int sanitize(String s) {
        return sanitize(s, maxStringChars);
    }

    private int sanitize(String s, int maxChars) {
        int limit = s.length() > maxChars
                ? maxChars - TRUNCATION_MARKER.length() : s.length();
        int n = 0;
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1))) {
                stringScratch[n++] = c;
                stringScratch[n++] = s.charAt(++i);
            } else {
                stringScratch[n++] = Character.isSurrogate(c) ? '\uFFFD' : c;
            }
        }
        if (limit < s.length()) {
            TRUNCATION_MARKER.getChars(0, TRUNCATION_MARKER.length(), stringScratch, n);
            n += TRUNCATION_MARKER.length();
        }
        return n;
    }
}
