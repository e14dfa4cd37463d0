package dev.foxml.training.events.core.encode;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The run's own values as every line carries them, repaired and encoded once when the encoder
 * is made: {@code run_id}, {@code emitter_id} and {@code worker} as quoted ASCII literals, and
 * {@code run_start}'s start time, tags and hyperparameters as written.
 */
final class RunFields {
    /** Facts about this process, the tags and hyperparameters as given. */
    final RunInfo info;
    /**
     * The envelope's constant bytes, each run written in one copy: {@code ,"run_id":"…","timestamp":"}
     * before the timestamp's digits, and {@code ,"emitter_id":"…"}, when a worker is configured
     * {@code ,"worker":"…"}, then {@code ,"elapsed_seconds":} (or {@code duration_seconds}) after the seq.
     */
    final byte[] runIdThroughTimestampKey;
    final byte[] emitterThroughElapsedKey;
    final byte[] emitterThroughDurationKey;
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
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(LineWriter.ascii(",\"run_id\":"));
        head.writeBytes(LineWriter.asciiLiteral(repair.sanitized(runId == null ? EventEncoder.UNKNOWN : runId)));
        head.writeBytes(LineWriter.ascii(",\"timestamp\":\""));
        this.runIdThroughTimestampKey = head.toByteArray();
        ByteArrayOutputStream members = new ByteArrayOutputStream();
        members.writeBytes(LineWriter.ascii(",\"emitter_id\":"));
        members.writeBytes(LineWriter.asciiLiteral(run.emitterId));
        if (worker != null) {
            members.writeBytes(LineWriter.ascii(",\"worker\":"));
            members.writeBytes(LineWriter.asciiLiteral(repair.sanitized(worker)));
        }
        byte[] emitterAndWorker = members.toByteArray();
        this.emitterThroughElapsedKey = concat(emitterAndWorker, LineWriter.ascii(",\"elapsed_seconds\":"));
        this.emitterThroughDurationKey = concat(emitterAndWorker, LineWriter.ascii(",\"duration_seconds\":"));
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

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
