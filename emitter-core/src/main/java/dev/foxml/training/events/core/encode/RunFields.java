package dev.foxml.training.events.core.encode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The run's own values as every line carries them, repaired and encoded once when the encoder
 * is made: {@code run_id}, {@code emitter_id} and {@code worker} as quoted ASCII literals, and
 * {@code run_start}'s start time, tags and hyperparameters as written.
 *
 * <p>The literals are written raw: a jackson {@code SerializedString} would be written as raw
 * UTF-8 (its quoting ignores the generator's highest non-escaped char), raw U+2028/U+2029 included.
 */
final class RunFields {
    /** Facts about this process, the tags and hyperparameters as given. */
    final RunInfo info;
    final AsciiBytes runIdLiteral;
    /**
     * {@code ,"emitter_id":"…"} and, when a worker is configured, {@code ,"worker":"…"}: the
     * same on every line, so written in one raw copy.
     */
    final AsciiBytes emitterIdAndWorker;
    /** {@code start_time}: ASCII, {@link TimestampFormat#LENGTH} bytes. */
    final byte[] startTime;
    /** Tag keys and values as written (repaired once, here); a null key is a dropped duplicate. */
    final String[] tagKeys;
    final String[] tagValues;
    /** Hyperparameter names as written (repaired once, here); a null name is a dropped duplicate. */
    final String[] paramNames;
    /** Values as written: strings repaired and cut like tag values; Long, Double, Boolean or null. */
    final Object[] paramValues;

    RunFields(String runId, String worker, RunInfo run, StringRepair repair) {
        this.info = run;
        this.runIdLiteral = new AsciiBytes(LineWriter.asciiLiteral(
                repair.sanitized(runId == null ? EventEncoder.UNKNOWN : runId)));
        ByteArrayOutputStream members = new ByteArrayOutputStream();
        members.writeBytes(",\"emitter_id\":".getBytes(StandardCharsets.US_ASCII));
        members.writeBytes(LineWriter.asciiLiteral(run.emitterId));
        if (worker != null) {
            members.writeBytes(",\"worker\":".getBytes(StandardCharsets.US_ASCII));
            members.writeBytes(LineWriter.asciiLiteral(repair.sanitized(worker)));
        }
        this.emitterIdAndWorker = new AsciiBytes(members.toByteArray());
        this.startTime = new TimestampFormat().format(run.startMicros).clone();
        this.tagKeys = repair.namesAsWritten(run.tagNames);
        this.tagValues = new String[run.tagValues.length];
        for (int i = 0; i < tagValues.length; i++) {
            String v = run.tagValues[i];
            tagValues[i] = v == null ? null : repair.sanitized(v, repair.nameLimit);
        }
        this.paramNames = repair.namesAsWritten(run.paramNames);
        this.paramValues = new Object[run.paramValues.length];
        for (int i = 0; i < paramValues.length; i++) {
            Object v = run.paramValues[i];
            paramValues[i] = v instanceof String ? repair.sanitized((String) v, repair.nameLimit) : v;
        }
    }
}
