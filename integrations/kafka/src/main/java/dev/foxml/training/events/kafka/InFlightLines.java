package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.producer.Callback;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The lines handed to the Kafka producer and not yet confirmed, by {@code seq}: each line's
 * callback (on the producer's I/O thread) either confirms it or keeps it among the unconfirmed,
 * which the writer thread takes back, in {@code seq} order, for the fallback file. Also what the
 * writer needs to tell the state of the broker: the outcomes since it last looked, and the cause
 * of the latest failure.
 *
 * <p>Thread-safe: callbacks complete lines while the writer sends and takes.
 */
final class InFlightLines {
    /** Failed lines, by seq, until taken. Lines without a readable seq get keys below every seq. */
    private final TreeMap<Long, byte[]> unconfirmed = new TreeMap<>();
    private long nextKeyWithoutSeq = Long.MIN_VALUE;
    private long inFlight;
    private long confirmedTotal;
    private long unconfirmedTotal;
    /** Lines of failed writes that failed afterwards too: already in the fallback with their batch. */
    private long failedDisowned;
    private long confirmedSinceLook;
    private long unconfirmedSinceLook;
    /** Whether the latest outcome was a failure, and why. */
    private boolean lastFailed;
    private Throwable lastFailure;

    /**
     * Counts a line as handed to the producer.
     *
     * @return the callback that completes it
     */
    synchronized Callback track(long seq, byte[] value, Batch batch) {
        inFlight++;
        boolean[] done = new boolean[1];
        return (metadata, error) -> completed(seq, value, error, done, batch);
    }

    /**
     * The lines of one write. When the write fails, the caller writes the whole batch to the
     * fallback itself: its lines that fail later are then not kept again (no line twice in the
     * file), only counted.
     */
    static final class Batch {
        private boolean disowned;

        /** The caller keeps the batch's lines: failures of its lines are counted, not kept. */
        void disown(InFlightLines lines) {
            synchronized (lines) {
                disowned = true;
            }
        }
    }

    /**
     * The producer's outcome for a tracked line: confirmed when {@code error} is null. Only the
     * first outcome counts (the writer completes a line itself when the send threw).
     */
    private synchronized void completed(long seq, byte[] value, Exception error, boolean[] done, Batch batch) {
        if (done[0]) {
            return;
        }
        done[0] = true;
        inFlight--;
        if (error == null) {
            confirmedTotal++;
            confirmedSinceLook++;
            lastFailed = false;
            return;
        }
        lastFailed = true;
        lastFailure = error;
        if (batch.disowned) {
            failedDisowned++;
            return;
        }
        keep(seq, value);
    }

    private void keep(long seq, byte[] value) {
        unconfirmedTotal++;
        unconfirmedSinceLook++;
        byte[] displaced = unconfirmed.put(seq > 0 ? seq : nextKeyWithoutSeq++, value);
        if (displaced != null) {
            // Two lines with one seq (never from one emitter): keep both.
            unconfirmed.put(nextKeyWithoutSeq++, displaced);
        }
    }

    /**
     * Hands every unconfirmed line to {@code sink}, in seq order, and forgets it.
     *
     * @return how many lines were handed over
     */
    int takeUnconfirmed(Consumer<byte[]> sink) {
        TreeMap<Long, byte[]> taken;
        synchronized (this) {
            if (unconfirmed.isEmpty()) {
                return 0;
            }
            taken = new TreeMap<>(unconfirmed);
            unconfirmed.clear();
        }
        for (Map.Entry<Long, byte[]> e : taken.entrySet()) {
            sink.accept(e.getValue());
        }
        return taken.size();
    }

    /** What happened since the last look: read and reset by the writer thread. */
    synchronized Look look() {
        Look look = new Look(confirmedSinceLook, unconfirmedSinceLook, lastFailed, lastFailure);
        confirmedSinceLook = 0;
        unconfirmedSinceLook = 0;
        return look;
    }

    synchronized long inFlight() {
        return inFlight;
    }

    synchronized int waiting() {
        return unconfirmed.size();
    }

    synchronized long confirmedTotal() {
        return confirmedTotal;
    }

    synchronized long unconfirmedTotal() {
        return unconfirmedTotal;
    }

    synchronized long failedDisowned() {
        return failedDisowned;
    }

    /** Outcomes since the last look. */
    static final class Look {
        final long confirmed;
        final long unconfirmed;
        final boolean lastFailed;
        final Throwable lastFailure;

        Look(long confirmed, long unconfirmed, boolean lastFailed, Throwable lastFailure) {
            this.confirmed = confirmed;
            this.unconfirmed = unconfirmed;
            this.lastFailed = lastFailed;
            this.lastFailure = lastFailure;
        }
    }
}
