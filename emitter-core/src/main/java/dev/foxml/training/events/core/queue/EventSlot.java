package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.encode.ArgumentProblems;

/**
 * One preallocated, reusable event: the arguments of one emit call, held until the writer
 * encodes them. Strings are the caller's own (immutable) references, so filling a slot copies
 * nothing and allocates nothing. The meaning of each field depends on {@link #type}.
 */
public final class EventSlot {
    public int type;
    /** progress: stage; stage_change: previous; target_complete: target; run_complete: status; error: message. */
    public String s1;
    /** progress: current target; stage_change: new stage; target_complete: status; error: type. */
    public String s2;
    /** progress: percent; target_complete: best AUC. */
    public double d1;
    /** progress: targets complete; target_complete: models trained. */
    public int i1;
    /** progress: targets total. */
    public int i2;
    /**
     * error: recoverable; stage_change: the previous stage is the stream's current one (the
     * encoder fills it in, in seq order); progress: {@link #d2} is a cumulative item count
     * the encoder turns into a throughput, not a throughput.
     */
    public boolean b1;
    /** progress: epoch, negative for none. */
    public long l1;
    /** progress: step, negative for none. */
    public long l2;
    /** progress: throughput in items per second (NaN for none), or an item count (see {@link #b1}). */
    public double d2;
    public long timestampMicros;
    public long seq;
    /** Problems found in the arguments so far ({@link ArgumentProblems} bits). */
    public int problems;
    /** progress and target_complete: a copy of the caller's metrics, or null (the common case). */
    public String[] metricNames;
    public double[] metricValues;

    public void set(int type, String s1, String s2, double d1, int i1, int i2, boolean b1,
             long timestampMicros, long seq, int problems) {
        set(type, s1, s2, d1, i1, i2, b1, -1, -1, Double.NaN, timestampMicros, seq, problems, null, null);
    }

    public void set(int type, String s1, String s2, double d1, int i1, int i2, boolean b1, long l1, long l2, double d2,
             long timestampMicros, long seq, int problems, String[] metricNames, double[] metricValues) {
        this.type = type;
        this.s1 = s1;
        this.s2 = s2;
        this.d1 = d1;
        this.i1 = i1;
        this.i2 = i2;
        this.b1 = b1;
        this.l1 = l1;
        this.l2 = l2;
        this.d2 = d2;
        this.timestampMicros = timestampMicros;
        this.seq = seq;
        this.problems = problems;
        this.metricNames = metricNames;
        this.metricValues = metricValues;
    }

    /** Drops the caller's strings so that a slot waiting for reuse keeps nothing alive. */
    public void clear() {
        s1 = null;
        s2 = null;
        metricNames = null;
        metricValues = null;
    }
}
