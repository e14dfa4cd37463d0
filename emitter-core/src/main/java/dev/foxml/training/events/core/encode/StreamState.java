package dev.foxml.training.events.core.encode;

/**
 * What the stream has said so far, as of the event being encoded: events reach one encoder in
 * seq order, so this is the state a reader of the lines up to here would know. Heartbeats repeat
 * the latest stage, progress and target; the ETA counts from the start of the current stage;
 * a throughput from item counts is the rate between two progress events that carried one.
 * Not thread-safe: one per encoder.
 */
final class StreamState {
    /** An ETA from less than a second of a stage is noise, not an estimate. */
    static final long MIN_ETA_BASIS_MICROS = 1_000_000L;

    // The latest progress (or stage_change), as written: what a heartbeat repeats.
    private String stage;
    private double pct = Double.NaN;
    private String target;
    private int complete;
    private int total;

    // The ETA's window: where and when the current stage started.
    private String etaStage;
    private long etaStageStartMicros;
    private double etaStageStartPct;

    // The item count of the last progress that carried one, and when: the throughput's window.
    private double lastItems = Double.NaN;
    private long lastItemsMicros;

    String stage() {
        return stage;
    }

    double pct() {
        return pct;
    }

    String target() {
        return target;
    }

    int complete() {
        return complete;
    }

    int total() {
        return total;
    }

    /** A progress event, as written (clamped percent and counts); a new stage restarts the ETA's window. */
    void progress(String stage, double pct, String target, int complete, int total, long timestampMicros) {
        String s = stage == null ? EventEncoder.UNKNOWN : stage;
        if (!s.equals(etaStage)) {
            etaStage = s;
            etaStageStartMicros = timestampMicros;
            etaStageStartPct = Double.isNaN(pct) ? 0.0 : pct;
        }
        this.stage = s;
        this.pct = pct;
        this.target = target;
        this.total = total;
        this.complete = complete;
    }

    /** A stage_change: the new stage starts at 0 % with no target, and the ETA's window restarts. */
    void stageChange(String newStage, long timestampMicros) {
        String s = newStage == null ? EventEncoder.UNKNOWN : newStage;
        etaStage = s;
        etaStageStartMicros = timestampMicros;
        etaStageStartPct = 0.0;
        stage = s;
        pct = 0.0;
        target = null;
        complete = 0;
        total = 0;
    }

    /**
     * Seconds left in the current stage at the rate it has progressed since it started (the
     * trainer's percentages restart at each stage), to the millisecond; NaN (null) until the stage
     * has made progress over at least a second.
     */
    double etaSeconds(double pct, long timestampMicros) {
        if (Double.isNaN(pct)) {
            return Double.NaN;
        }
        if (pct >= 100.0) {
            return 0.0;
        }
        double done = pct - etaStageStartPct;
        long spentMicros = timestampMicros - etaStageStartMicros;
        if (done <= 0.0 || spentMicros < MIN_ETA_BASIS_MICROS) {
            return Double.NaN;
        }
        double eta = spentMicros / 1e6 * (100.0 - pct) / done;
        return Math.round(eta * 1000.0) / 1000.0;
    }

    /**
     * Items per second between the previous progress that carried an item count and this one,
     * from their counts and timestamps. NaN (null) for the first count, for a count lower than
     * the previous one (a new window starts there: a counter reset at an epoch or target), for
     * no count (NaN), and when no time has passed (the window then stays open until time has passed).
     */
    double throughputFromCount(double items, long timestampMicros) {
        if (Double.isNaN(items)) {
            return Double.NaN;
        }
        long spent = timestampMicros - lastItemsMicros;
        if (Double.isNaN(lastItems) || items < lastItems || spent < 0) {
            lastItems = items;
            lastItemsMicros = timestampMicros;
            return Double.NaN;
        }
        if (spent == 0) {
            return Double.NaN;
        }
        double rate = (items - lastItems) * 1e6 / spent;
        lastItems = items;
        lastItemsMicros = timestampMicros;
        return rate;
    }
}
