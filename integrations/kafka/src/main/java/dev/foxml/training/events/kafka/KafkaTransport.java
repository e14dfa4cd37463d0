package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Kafka as an emitter's primary delivery, in place of the bridge's socket: every line becomes one
 * record of the topic (the value the line without its newline, the key the emitter's id), sent by
 * an idempotent producer with {@code acks=all} (see {@link KafkaLineSender}).
 *
 * <p>Sends happen on the emitter's writer thread only and never wait for the broker beyond
 * {@code max.block.ms} (default {@value #DEFAULT_MAX_BLOCK_MILLIS} ms here) for a whole batch.
 * A line the broker has not confirmed within {@code delivery.timeout.ms} is handed back by
 * {@link #takeUnconfirmed}, in {@code seq} order, for the emitter's fallback file; so is a line
 * that was not sent because the producer could not reach the broker in time. After such a wait
 * the producer is not asked again for a while (1 s, doubling up to 10 s): until then lines are
 * handed back at once, so that a broker that is down costs the writer one wait per retry, not one
 * per batch. A broker that comes back is used again for later lines.
 *
 * <p>Every change of state is warned about once, with its cause and how many lines went to the
 * fallback meanwhile; no setting's value is ever logged, only the names of the settings.
 *
 * <p>Not thread-safe: one writer thread sends, takes and closes; the producer's callbacks run on
 * its own I/O thread and meet the writer in {@link InFlightLines} only.
 */
public final class KafkaTransport implements AutoCloseable {
    /** {@code max.block.ms} of the transport's producer unless configured: the writer's longest wait. */
    public static final long DEFAULT_MAX_BLOCK_MILLIS = 2000;
    static final long RETRY_MIN_NANOS = 1_000_000_000L;
    static final long RETRY_MAX_NANOS = 10_000_000_000L;

    /** Where a line goes and what the operator was told last. */
    enum State { STARTING, UP, DOWN }

    /** Where the transport's messages go: a warning per change of state, an info line at the start. */
    interface Log {
        void warn(String message);

        void info(String message);
    }

    private final KafkaLineSender sender;
    private final InFlightLines lines = new InFlightLines();
    private final Log log;
    private final String fallback;
    private byte[] key;
    private State state = State.STARTING;
    /** While the broker is waited out (a send blocked for max.block.ms): lines bypass the producer until then. */
    private boolean waitingOut;
    private long retryAt;
    private long retryNanos = RETRY_MIN_NANOS;
    /** Lines handed back since the last change of state, for the next warning. */
    private long unconfirmedSinceChange;
    private boolean closed;

    KafkaTransport(KafkaLineSender sender, String emitterId, String fallback, Log log) {
        this.sender = sender;
        this.key = emitterId == null ? null : emitterId.getBytes(StandardCharsets.UTF_8);
        this.fallback = fallback;
        this.log = log;
        log.info("training events go to Kafka at " + sender.bootstrap() + ", topic " + sender.topic()
                + " (" + sender.describeSettings() + "); lines it does not confirm within "
                + sender.deliveryTimeoutMillis() + " ms go to " + fallback);
    }

    /**
     * Opens the transport from resolved settings named like the system properties
     * ({@code foxml.training.event.kafka.bootstrap}, {@code ...topic},
     * {@code foxml.training.event.kafka.<producer setting>}).
     *
     * @param settings the resolved settings; other names are ignored
     * @param emitterId the emitter's id, the key of every record; null to read it from the first line
     * @param fallback where unconfirmed lines go, for messages (e.g. the file's path)
     * @param log where the transport's messages go
     * @return the transport; its producer connects lazily
     * @throws IllegalArgumentException when a setting is missing or unusable; the message names it
     */
    static KafkaTransport open(Map<String, String> settings, String emitterId, String fallback, Log log) {
        KafkaLineSender sender = KafkaLineSender.builder(KafkaSettings.of(settings))
                .defaultMaxBlock(Duration.ofMillis(DEFAULT_MAX_BLOCK_MILLIS)).build();
        return new KafkaTransport(sender, emitterId, fallback, log);
    }

    /**
     * Sends every complete line of {@code batch} (from its position to its limit, each ending with
     * a newline). Never throws and never waits longer than {@code max.block.ms} in all: lines that
     * could not be handed to the producer are handed back by the next {@link #takeUnconfirmed}.
     *
     * @param batch the lines; its position is moved to its limit
     */
    public void send(ByteBuffer batch) {
        observe();
        long start = System.nanoTime();
        boolean bypass = closed || (waitingOut && start - retryAt < 0);
        while (batch.hasRemaining()) {
            byte[] value = nextLine(batch);
            if (value == null) {
                break;
            }
            long seq = LineFields.seq(value);
            if (key == null) {
                String id = LineFields.emitterId(value);
                key = (id == null ? "unknown" : id).getBytes(StandardCharsets.UTF_8);
            }
            if (bypass) {
                lines.notSent(seq, value);
                continue;
            }
            Callback callback = lines.track(seq, value);
            Throwable refused;
            try {
                refused = refusedAtOnce(sender.sendOne(key, value, callback));
            } catch (RuntimeException e) {
                // Not an ApiException (those reach the callback): an interrupt of the writer
                // thread, a closed producer. The callback was not called.
                callback.onCompletion(null, e);
                refused = e;
            }
            long now = System.nanoTime();
            if (refused != null || now - start >= sender.maxBlockNanos()) {
                // No metadata within max.block.ms, a full buffer, an interrupt: the rest of the
                // batch would wait alike, each line in turn.
                waitOut(now, refused);
                bypass = true;
            } else if (waitingOut) {
                waitingOut = false;
            }
        }
        observe();
    }

    /** The producer's future when it failed before the send returned (done at once), else null. */
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

    private void waitOut(long now, Throwable cause) {
        waitingOut = true;
        retryAt = now + retryNanos;
        long waitedMillis = retryNanos / 1_000_000;
        retryNanos = Math.min(retryNanos * 2, RETRY_MAX_NANOS);
        if (cause == null) {
            cause = new org.apache.kafka.common.errors.TimeoutException("sending a batch took max.block.ms");
        }
        change(State.DOWN, "Kafka at " + sender.bootstrap() + " did not take training events within max.block.ms ("
                + causeOf(cause) + "): they go to " + fallback + " with their seq, and Kafka is tried again in "
                + waitedMillis + " ms");
    }

    /** Reads the outcomes the producer reported since the last look, and says so when the state changes. */
    private void observe() {
        InFlightLines.Look look = lines.look();
        unconfirmedSinceChange += look.unconfirmed;
        if (look.lastFailed && look.unconfirmed > 0 && state != State.DOWN) {
            change(State.DOWN, "Kafka at " + sender.bootstrap() + " did not confirm " + look.unconfirmed
                    + " training events within delivery.timeout.ms (" + causeOf(look.lastFailure)
                    + "): they go to " + fallback + " with their seq; later events are sent to Kafka again");
        } else if (!look.lastFailed && look.confirmed > 0 && state != State.UP) {
            if (state == State.DOWN) {
                retryNanos = RETRY_MIN_NANOS;
                change(State.UP, "Kafka at " + sender.bootstrap() + " confirms training events again; "
                        + unconfirmedSinceChange + " went to " + fallback + " meanwhile");
            } else {
                state = State.UP;
            }
        }
    }

    private void change(State to, String message) {
        if (state == to) {
            return;
        }
        state = to;
        unconfirmedSinceChange = 0;
        log.warn(message);
    }

    private static String causeOf(Throwable t) {
        if (t == null) {
            return "no cause given";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The next complete line of the batch without its newline, or null when none is left. */
    private static byte[] nextLine(ByteBuffer batch) {
        int start = batch.position();
        int limit = batch.limit();
        for (int i = start; i < limit; i++) {
            if (batch.get(i) == '\n') {
                byte[] value = new byte[i - start];
                batch.get(value);
                batch.get(); // the newline
                return value;
            }
        }
        if (start < limit) {
            // A batch is whole lines; a missing last newline still makes a line.
            byte[] value = new byte[limit - start];
            batch.get(value);
            return value;
        }
        return null;
    }

    /**
     * Hands back the lines the broker did not confirm (and those not sent), in {@code seq} order,
     * each without its newline, and forgets them.
     *
     * @param sink takes each line
     * @return how many lines were handed back
     */
    public int takeUnconfirmed(Consumer<byte[]> sink) {
        observe();
        return lines.takeUnconfirmed(sink);
    }

    /**
     * Whether lines go to Kafka now: false while the broker is waited out or the producer reported
     * failures since its last confirmation. Also says so in the log when the state changed.
     *
     * @param now {@link System#nanoTime()}
     * @return whether lines go to Kafka now
     */
    public boolean healthy(long now) {
        observe();
        return !(waitingOut && now - retryAt < 0) && state != State.DOWN && lines.waiting() == 0;
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
     * Returns the lines handed back (or still to be handed back) for the fallback so far.
     *
     * @return the lines handed back (or still to be handed back) for the fallback so far
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

    State state() {
        return state;
    }

    /**
     * Waits at most {@code timeout} for the broker to confirm what the producer holds, then closes
     * it; what it could not confirm is failed and handed back by {@link #takeUnconfirmed}.
     *
     * @param timeout the longest wait
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sender.close(timeout);
        } catch (RuntimeException e) {
            // An interrupt of the closing thread: the producer closes at once, failing what it holds.
            log.warn("closing the Kafka producer: " + causeOf(e));
        }
        observe();
    }

    /** Closes with the producer's {@code max.block.ms} as the longest wait. */
    @Override
    public void close() {
        close(Duration.ofNanos(sender.maxBlockNanos()));
    }

    /**
     * Returns where lines go, without any setting's value.
     *
     * @return where lines go, without any setting's value
     */
    @Override
    public String toString() {
        return "Kafka at " + sender.bootstrap() + ", topic " + sender.topic();
    }
}
