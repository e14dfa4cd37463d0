package dev.foxml.training.events.core.encode;

import java.io.ByteArrayOutputStream;

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
        this.runIdThroughTimestampKey = concat(LineWriter.ascii(",\"run_id\":"),
                LineWriter.asciiLiteral(repair.sanitized(runId == null ? EventEncoder.UNKNOWN : runId)),
                LineWriter.ascii(",\"timestamp\":\""));
        byte[] workerMember = worker == null ? new byte[0]
                : concat(LineWriter.ascii(",\"worker\":"), LineWriter.asciiLiteral(repair.sanitized(worker)));
        byte[] emitterAndWorker = concat(LineWriter.ascii(",\"emitter_id\":"), LineWriter.asciiLiteral(run.emitterId),
                workerMember);
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

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
