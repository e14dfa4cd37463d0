package dev.foxml.training.events.kafka;

import dev.foxml.training.events.core.spi.Transport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Kafka as an emitter's primary delivery, in place of the bridge's socket (the event file stays
 * the fallback): every line becomes one record of the topic, the value the line without its
 * newline, the key the emitter's id, sent by an idempotent producer with {@code acks=all} (see
 * {@link KafkaLineSender}).
 *
 * <p>The broker is reached off the writer thread: {@link #worthOpening()} starts a probe (a
 * producer, then up to {@code max.block.ms}, default {@value #DEFAULT_MAX_BLOCK_MILLIS} ms, for
 * the topic's partitions) and says no until it ends; {@link #open()} then adopts its producer or
 * reports why it failed, and the emitter writes to the file meanwhile and tries again with
 * backoff. {@link #write} hands each line to the producer without waiting for the broker (the
 * whole batch within {@code max.block.ms}). A line the broker then does not confirm within
 * {@code delivery.timeout.ms} is kept, by {@code seq}; the next {@link #write} or idle
 * {@link #checkHealth} reports the failure with its cause, and the emitter, after closing the
 * transport, writes those lines to the file through {@link #takeUnconfirmed}, in {@code seq}
 * order. Closing after a failure fails whatever the producer still holds, so that it reaches the
 * file too; a clean close waits up to {@code foxml.training.event.kafka.close.timeout.ms} (default
 * {@value #DEFAULT_CLOSE_TIMEOUT_MILLIS} ms) for confirmations first, and hands back the rest.
 *
 * <p>Messages name the brokers and the topic, never a setting's value.
 *
 * <p>Not thread-safe: one thread (the emitter's writer) opens, writes, checks and closes; the
 * producer's callbacks run on its own I/O thread and meet the writer in {@link InFlightLines} only.
 *
 * <p>One class because the transport's states (probing, open, failed, closing) and the lines in
 * flight are one state machine driven from the writer thread and the producer's callbacks.
 */
public final class KafkaTransport implements Transport {
    /** {@code max.block.ms} of the transport's producer unless configured: the writer's longest wait. */
    public static final long DEFAULT_MAX_BLOCK_MILLIS = 2000;
    /** The shortest and longest pause after an open that failed: each failed open may cost the writer {@code max.block.ms}. */
    static final long RETRY_MIN_NANOS = 1_000_000_000L;
    static final long RETRY_MAX_NANOS = 10_000_000_000L;
    /**
     * The longest a clean close waits for the broker's confirmations unless
     * {@code foxml.training.event.kafka.close.timeout.ms} says otherwise: well within the
     * emitter's close timeout (3 s), so that what is not confirmed by then still reaches the file.
     */
    public static final long DEFAULT_CLOSE_TIMEOUT_MILLIS = 1000;
    /**
     * {@code batch.size} of the transport's producer unless configured: a trainer's lines are
     * many and small, all on one partition (one key), where the client's 16 KiB would cap a
     * flat-out emitter at a few thousand lines a second on a busy machine.
     */
    public static final int DEFAULT_BATCH_BYTES = 256 * 1024;

    private final KafkaLineSender.Prepared settings;
    private final InFlightLines lines = new InFlightLines();
    private final String where;
    private final long closeTimeoutNanos;
    private KafkaLineSender sender;
    /** The attempt to reach the broker under way, or finished and not yet adopted; guarded by this. */
    private Probe probe;
    /** Whether open() was called before: only the first waits for its probe. */
    private boolean everOpened;
    private byte[] key;
    /** Whether this transport reported a failure since it was opened: its close then waits for nothing. */
    private boolean failed;
    private long nextOpen = System.nanoTime();
    private long retryNanos = RETRY_MIN_NANOS;
    private long lastUnconfirmedReported;

    /**
     * A transport that has not opened yet.
     *
     * @param settings validated producer settings
     * @param emitterId the key of every record, or null to read it from the first line
     * @param closeTimeoutMillis how long a clean close waits for confirmations
     */
    KafkaTransport(KafkaLineSender.Prepared settings, String emitterId, long closeTimeoutMillis) {
        this.settings = settings;
        this.closeTimeoutNanos = closeTimeoutMillis * 1_000_000L;
        this.key = emitterId == null ? null : emitterId.getBytes(StandardCharsets.UTF_8);
        this.where = "Kafka at " + settings.bootstrap + " (topic " + settings.topic + ")";
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public String describeOpening() {
        return "connecting to " + where + " (" + settings.description() + ")";
    }

    @Override
    public String describeBack() {
        return where + " takes events: they go to it";
    }

    @Override
    public String describeAbsent() {
        return where + " cannot be reached";
    }

    @Override
    public boolean isOpen() {
        return sender != null;
    }

    /**
     * Whether a probe has an outcome to adopt or report. The first call (and the first after the
     * pause that follows a failed probe) starts a probe on a thread of its own: it creates a
     * producer and waits up to {@code max.block.ms} for the topic's partitions. Until it ends the
     * answer is no (the emitter looks again shortly, writing to the file meanwhile), so that a
     * broker that does not answer never holds the writer; only the very first open waits for its
     * probe, at most {@code max.block.ms}, so that a run's first events (its start) reach Kafka
     * rather than the file when the broker answers.
     */
    @Override
    public boolean worthOpening() {
        synchronized (this) {
            if (probe != null) {
                return probe.done || !everOpened;
            }
        }
        if (System.nanoTime() - nextOpen < 0) {
            return false;
        }
        Probe started = new Probe();
        synchronized (this) {
            probe = started;
        }
        Thread thread = new Thread(started, "foxml-training-events-kafka-probe");
        thread.setDaemon(true);
        thread.start();
        return !everOpened;
    }

    /**
     * Adopts the producer of a probe that reached the topic, or reports why the probe failed.
     *
     * @throws IOException when the probe failed (the message names the brokers, the topic and the cause)
     */
    @Override
    public void open() throws IOException {
        closeSender();
        failed = false;
        Probe finished;
        synchronized (this) {
            finished = probe;
        }
        if (finished != null && !everOpened) {
            everOpened = true;
            try {
                finished.ended.await(Math.max(0, finished.startNanos + settings.maxBlockMillis * 1_000_000L
                        - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(e);
            }
        }
        synchronized (this) {
            if (finished == null || finished != probe || !finished.done) {
                throw new IOException(where + " did not answer within max.block.ms (the client is still starting"
                        + " or waiting for the topic's partitions)");
            }
            probe = null;
        }
        if (finished.sender == null) {
            throw openFailed(finished.failure);
        }
        sender = finished.sender;
        retryNanos = RETRY_MIN_NANOS;
    }

    /** Reaches the broker off the writer thread: a producer, then the topic's partitions within max.block.ms. */
    private final class Probe implements Runnable {
        final long startNanos = System.nanoTime();
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        volatile boolean done;
        volatile KafkaLineSender sender;
        volatile String failure;

        @Override
        public void run() {
            KafkaLineSender created = null;
            try {
                created = settings.create();
                created.partitions();
            } catch (KafkaException | IllegalStateException e) {
                failure = created == null
                        ? "cannot create a Kafka producer for " + where + " (" + e.getClass().getSimpleName() + ")"
                        : where + " did not answer within max.block.ms (" + causeOf(e) + ")";
                if (created != null) {
                    created.close(Duration.ZERO);
                }
                created = null;
            }
            synchronized (KafkaTransport.this) {
                if (probe != this) {
                    // The transport was closed meanwhile: nobody adopts this producer.
                    if (created != null) {
                        created.close(Duration.ZERO);
                    }
                    ended.countDown();
                    return;
                }
                sender = created;
                done = true;
            }
            ended.countDown();
        }
    }

    private IOException openFailed(String why) {
        // The next probe not before this pause: each one holds a producer for up to max.block.ms.
        nextOpen = System.nanoTime() + retryNanos;
        retryNanos = Math.min(retryNanos * 2, RETRY_MAX_NANOS);
        return new IOException(why);
    }

    @Override
    public void write(ByteBuffer wholeLines, int lineCount) throws IOException {
        if (sender == null) {
            throw new IOException(where + " is closed");
        }
        reportUnconfirmed();
        long start = System.nanoTime();
        InFlightLines.Batch batch = new InFlightLines.Batch();
        while (wholeLines.hasRemaining()) {
            int lineStart = wholeLines.position();
            byte[] value = nextLine(wholeLines);
            long seq = LineFields.seq(value);
            if (key == null) {
                String id = LineFields.emitterId(value);
                key = (id == null ? "unknown" : id).getBytes(StandardCharsets.UTF_8);
            }
            Callback callback = lines.track(seq, value, batch);
            Throwable refused;
            try {
                refused = refusedAtOnce(sender.sendOne(key, value, callback));
            } catch (RuntimeException e) {
                // Not an ApiException (those reach the callback): an interrupt, a closed producer.
                callback.onCompletion(null, e);
                refused = e;
            }
            if (refused != null || System.nanoTime() - start >= sender.maxBlockNanos()) {
                // The caller writes the whole batch to the file: its lines sent already are not
                // kept again (they may reach the topic too: the same seq, which readers drop).
                batch.disown(lines);
                wholeLines.position(lineStart);
                failed = true;
                if (refused instanceof InterruptException) {
                    throw interrupted(refused);
                }
                throw new IOException(where + " did not take training events within max.block.ms ("
                        + (refused == null ? "sending the batch took that long" : causeOf(refused)) + ")");
            }
        }
    }

    /**
     * Lines of earlier writes that failed: reported before more are sent, so that a busy writer
     * (which never idles into {@link #checkHealth}) learns of them as soon as an idle one.
     */
    private void reportUnconfirmed() throws IOException {
        if (lines.waiting() > 0) {
            failed = true;
            InFlightLines.Look look = lines.look();
            throw new IOException(where + " did not confirm " + lines.waiting()
                    + " training events within delivery.timeout.ms (" + causeOf(look.lastFailure) + ")");
        }
    }

    private static ClosedByInterruptException interrupted(Throwable cause) {
        ClosedByInterruptException e = new ClosedByInterruptException();
        e.initCause(cause);
        return e;
    }

    /** The cause of a send refused before it returned (its future is done at once), else null. */
    private static Throwable refusedAtOnce(Future<RecordMetadata> future) {
        if (!future.isDone()) {
            return null;
        }
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** The class and message of a Kafka client exception: they name brokers and topics, not settings' values. */
    static String causeOf(Throwable t) {
        if (t == null) {
            return "no cause given";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The next line of the batch without its newline (a batch holds whole lines). */
    private static byte[] nextLine(ByteBuffer batch) {
        int start = batch.position();
        int limit = batch.limit();
        int end = start;
        while (end < limit && batch.get(end) != '\n') {
            end++;
        }
        byte[] value = new byte[end - start];
        batch.get(value);
        if (batch.hasRemaining()) {
            batch.get(); // the newline
        }
        return value;
    }

    @Override
    public int takeUnconfirmed(OutputStream out) throws IOException {
        IOException[] thrown = new IOException[1];
        int n = lines.takeUnconfirmed(line -> {
            if (thrown[0] != null) {
                return;
            }
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                thrown[0] = e;
            }
        });
        if (thrown[0] != null) {
            throw thrown[0];
        }
        return n;
    }

    @Override
    public void checkHealth(long nowNanos) throws IOException {
        if (sender != null) {
            reportUnconfirmed();
        }
    }

    /** Yes: what the producer could not get confirmed before a clean close is handed back, for the file. */
    @Override
    public boolean unconfirmedAfterClose() {
        return true;
    }

    /**
     * Closes the producer: after a failure at once (what it holds fails, and is handed back by
     * {@link #takeUnconfirmed}), otherwise after waiting up to the close timeout for the broker
     * to confirm what it holds.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (probe != null && probe.done && probe.sender != null) {
                probe.sender.close(Duration.ZERO);
            }
            probe = null;
        }
        closeSender();
    }

    private void closeSender() {
        KafkaLineSender closing = sender;
        if (closing == null) {
            return;
        }
        sender = null;
        try {
            closing.close(failed ? Duration.ZERO : Duration.ofNanos(closeTimeoutNanos));
        } catch (RuntimeException e) {
            // An interrupt of the closing thread: the producer closes at once, failing what it holds.
            closing.close(Duration.ZERO);
        }
    }

    /**
     * Returns the lines the broker confirmed so far.
     *
     * @return the lines the broker confirmed so far
     */
    public long confirmedLines() {
        return lines.confirmedTotal();
    }

    /**
     * Returns the lines kept for the fallback so far (handed back, or still to be).
     *
     * @return the lines kept for the fallback so far
     */
    public long unconfirmedLines() {
        return lines.unconfirmedTotal();
    }

    /**
     * Returns the lines the producer holds, neither confirmed nor failed yet.
     *
     * @return the lines the producer holds, neither confirmed nor failed yet
     */
    public long inFlightLines() {
        return lines.inFlight();
    }

    /**
     * Returns where lines go, without any setting's value.
     *
     * @return where lines go, without any setting's value
     */
    @Override
    public String toString() {
        return where;
    }
}
