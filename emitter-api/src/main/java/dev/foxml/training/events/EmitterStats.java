package dev.foxml.training.events;

/**
 * What an emitter has done since it was created: a consistent-enough snapshot of counters,
 * for logs, tests and health checks. Counts are of events (lines), not bytes.
 *
 * <p>The counters are read while the emitter's writer thread works: an event counted as
 * {@code emitted} is counted as written (or lost) only once the writer has handled it, so the
 * written and dropped counts lag the emit calls. {@link TrainingEventEmitter#flush()} before
 * {@link TrainingEventEmitter#stats()} gives counts that cover every event emitted before it.
 *
 * @param emitted events accepted from emit calls (including the automatic {@code cancelled})
 * @param writtenToSocket lines written to the Unix socket
 * @param writtenToFile lines appended to the fallback file (including replayed ones)
 * @param replayed lines already sent to a socket that then failed, written again to the file
 *     so that nothing the dead reader never read is lost; these are possible duplicates and carry
 *     the same {@code seq}
 * @param droppedQueueFull events lost because the queue stayed full and the file could not take them
 * @param droppedUnwritable events lost because neither the socket nor the file could be written;
 *     this includes lines a failed socket had taken whose replay to the file failed too (the
 *     reader may have read some of them: an upper bound, never a silent loss)
 * @param droppedClosed events emitted after the emitter was closed
 * @param droppedExtraRunComplete {@code run_complete} events emitted after the first one, not
 *     written: an emitter writes one {@code run_complete}, the first (see
 *     {@link TrainingEventEmitter#emitRunComplete(RunStatus)}); not counted in {@link #emitted()}
 * @param reconnects times the socket was connected again after being lost or absent
 * @param invalidArguments emit calls whose arguments had to be repaired (null, NaN, out of range...)
 * @param socketErrors failed connects and writes on the socket
 * @param fileErrors failed writes or opens of the fallback file
 */
public record EmitterStats(
        long emitted,
        long writtenToSocket,
        long writtenToFile,
        long replayed,
        long droppedQueueFull,
        long droppedUnwritable,
        long droppedClosed,
        long droppedExtraRunComplete,
        long reconnects,
        long invalidArguments,
        long socketErrors,
        long fileErrors) {

    /** The stats of an emitter that has done nothing. */
    public static final EmitterStats EMPTY = new EmitterStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * All events lost, whatever the reason.
     *
     * @return {@link #droppedQueueFull()} + {@link #droppedUnwritable()} + {@link #droppedClosed()}
     *     + {@link #droppedExtraRunComplete()}
     */
    public long dropped() {
        return droppedQueueFull + droppedUnwritable + droppedClosed + droppedExtraRunComplete;
    }
}
