package dev.foxml.training.events.core.queue;

/**
 * The kinds of event a slot can hold, one per {@code event_type} on the wire. An enum field in a
 * reused slot allocates nothing: the constants exist once.
 */
public enum EventType {
    /** {@code progress}: stage, percent, current target and counts, optional epoch/step/throughput/metrics. */
    PROGRESS,
    /** {@code stage_change}: previous and new stage. */
    STAGE_CHANGE,
    /** {@code target_complete}: target, status, models trained, best AUC, optional metrics. */
    TARGET_COMPLETE,
    /** {@code run_complete}: how the run ended. */
    RUN_COMPLETE,
    /** {@code error}: message, type and whether training goes on. */
    ERROR,
    /** {@code run_start}: the process, host, JVM, tags and params, written once by the emitter. */
    RUN_START,
    /** {@code heartbeat}: the stream's latest stage, progress and target, written after a quiet interval. */
    HEARTBEAT
}
