package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The writer of the asynchronous mode: one daemon thread drains the {@link EventQueue} in batches
 * ("smart batching": what is queued, up to 64 KiB, ring first, then overflow), encodes them with
 * the {@link EventEncoder} and hands each batch to {@link Delivery} in one call; in a burst to the
 * event file, full batches are written by a second thread ({@link BurstDelivery}, started at the
 * first such burst) while the writer encodes the next. Its idle policy
 * lives in its private worker: a few microseconds of spinning after a batch within a burst; when
 * the trainer emits in a rhythm, one park until just after its next event is due (the emit that
 * comes on time pays no wake-up, one that comes early pays one); then naps, timed parks growing
 * from 50 µs to 300 µs that no emit interrupts (an event waits at most one nap, and the trainer
 * pays no wake-up); after 5 ms without an event, a deep sleep of up to 1 s that the next emit
 * ends (paying one wake-up). An emit wakes the writer only when its park would end more than
 * {@link EventQueue#WAKE_BUDGET_MICROS} after the event. A flush, a close, a ring filling up (a
 * burst) or a full queue wakes it whatever it does. The clock is resynchronised once a second,
 * and delivery's idle work ({@link Delivery#maintain}: a health check, a reconnect when due) is
 * done whenever it wakes.
 *
 * <p>Nothing ends the thread but a stop: a {@code Throwable} (a bug, an {@code Error} from a
 * transport) costs the batch in hand, counted in {@code droppedUnwritable}, and the thread goes on.
 */
public final class EventWriter {
    /** One batch's bytes at most (a line may cross it): one system call. */
    static final int BATCH_BYTES = 64 * 1024;
    private static final AtomicInteger WRITER_NUMBER = new AtomicInteger();

    private final Thread thread;

    /**
     * Starts the writer thread.
     *
     * @param queue what it drains
     * @param encoderFor the encoder writing into the given batch buffer, made on the writer thread
     * @param delivery where batches go; closed when the writer stops
     * @param clock resynchronised while idle
     * @param counters counted losses
     * @param log warnings
     * @return the writer, running
     */
    public static EventWriter start(EventQueue queue, Function<BatchBuffer, EventEncoder> encoderFor,
                                    Delivery delivery, MicrosClock clock, Counters counters, RateLimitedLog log) {
        // Twice a batch: the line that crosses BATCH_BYTES fits without growing the buffer.
        BatchBuffer batch = new BatchBuffer(BATCH_BYTES * 2);
        return new EventWriter(new Worker(queue, encoderFor, batch, delivery, clock, counters, log));
    }

    private EventWriter(Worker worker) {
        int number = WRITER_NUMBER.incrementAndGet();
        worker.burstThreadName = "foxml-training-events-burst-" + number;
        thread = new Thread(worker, "foxml-training-events-writer-" + number);
        thread.setDaemon(true);
        worker.queue.attachConsumer(thread);
        thread.start();
    }

    /**
     * The number in the writer thread's name, for the names of the emitter's other threads.
     *
     * @return the latest writer's number
     */
    public static int lastNumber() {
        return WRITER_NUMBER.get();
    }

    /**
     * The writer thread (stopped by {@link EventQueue#close(long)}).
     *
     * @return the thread
     */
    public Thread thread() {
        return thread;
    }

    /** The thread's loop and its idle policy. */
    private static final class Worker implements Runnable {
        /**
         * Spinning after a batch: within a burst more events follow within microseconds, and a spin
         * that finds them spares a park. Only when the idle stretch before the batch was short
         * (under {@link #SHORTEST_NAP_NANOS}): a trainer emitting every millisecond would cost the
         * writer 5 µs of spinning per event, for nothing.
         */
        private static final long SPIN_NANOS = 5_000;
        /**
         * The shortest nap. The first nap after a batch is half the idle stretch that ended with
         * that batch, within this and {@link #LONGEST_NAP_NANOS}, and each nap after it twice the
         * one before: a trainer emitting every few tens of µs is served within tens of µs, and one
         * emitting every millisecond does not pay for naps shorter than it needs.
         */
        private static final long SHORTEST_NAP_NANOS = 50_000;
        /**
         * The longest nap: an event published during a nap waits for its end, so this bounds the
         * idle emit-to-reader latency (the budget is 1 ms at p99, and 0.5 ms above one write on
         * the calling thread, with the timer's slack, the write and the reader's wake-up on top).
         * A nap costs the writer a timer wake-up, 5-20 µs of CPU on a 2-vCPU VM.
         */
        private static final long LONGEST_NAP_NANOS = 300_000;
        /**
         * Idle this long, the writer sleeps deeply instead of napping, and the next emit pays a
         * wake-up (one unpark): a trainer emitting every few milliseconds or faster never pays it,
         * one emitting every 100 ms or slower pays it once per event. Napping on through longer
         * gaps would spare those emits the wake-up, but cost the writer ~3,000 timer wake-ups a
         * second, measured at 4.3 % of a CPU for a trainer emitting every 100 ms (2.4 % with 50 ms
         * of naps after each event) against 0.02 % asleep.
         */
        private static final long SLEEP_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
        /**
         * The deep sleep's length: idle work (the clock, delivery's health check) once per sleep.
         * The health check is most of an idle writer's CPU (a socket's is a select call, 60-200 µs
         * of CPU on a loaded 2-vCPU VM): once a second keeps an idle writer near 0.02 % of a CPU,
         * and a reader that went away is noticed within about a second.
         */
        private static final long SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
        private static final long CLOCK_RESYNC_NANOS = TimeUnit.SECONDS.toNanos(1);
        /**
         * A park timed for the trainer's next event ends this long after the event is due: an
         * event on time waits this (and the timer's slack), one later than this is found by the
         * naps that follow, one earlier than the wake budget allows wakes the writer.
         */
        private static final long DUE_MARGIN_MICROS = 50;
        /**
         * The longest park timed for the trainer's next event: a trainer emitting every second is
         * served by one wake-up per event, and its emits pay none; delivery's idle work (noticing a
         * reader that went away) still comes about once a second.
         */
        private static final long LONGEST_DUE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1_100);

        final EventQueue queue;
        private final Function<BatchBuffer, EventEncoder> encoderFor;
        /** Made when the thread starts; null when it could not be made (every event is dropped). */
        private EventEncoder encoder;
        private final BatchBuffer batch;
        private final Delivery delivery;
        private final MicrosClock clock;
        private final Counters counters;
        private final RateLimitedLog log;
        private final ProblemReporter problems;
        private final EventSlot[] overflowBatch = new EventSlot[1024];
        /** Delivers full batches bound for the file while the next is encoded; made on the writer thread. */
        private BurstDelivery burst;
        /** Its thread's name, set before the writer thread starts. */
        String burstThreadName;
        private long lastTakenSeq;
        /** The emit time of the last event taken (0 before the first). */
        private long lastTakenMicros;
        /** From the emit time of the previous batch's last event to this batch's first (0 for the first batch). */
        private long batchGapMicros;
        /**
         * The gaps before the last few batches that ended an idle stretch (from one event to the
         * next when the trainer emits one at a time), in a circle. The trainer's rhythm is the
         * shortest of them: one long gap (a slow step, a pause) does not make the writer expect
         * the next event late, and several threads emitting on their own, or a trainer without a
         * rhythm, give short gaps among long ones, so the writer naps instead (an emit that comes
         * earlier than expected by more than the wake budget pays a wake-up).
         */
        private final long[] recentGapsMicros = new long[4];
        private int nextGap;

        Worker(EventQueue queue, Function<BatchBuffer, EventEncoder> encoderFor, BatchBuffer batch, Delivery delivery,
               MicrosClock clock, Counters counters, RateLimitedLog log) {
            this.queue = queue;
            this.encoderFor = encoderFor;
            this.batch = batch;
            this.delivery = delivery;
            this.clock = clock;
            this.counters = counters;
            this.log = log;
            this.problems = new ProblemReporter(counters, log);
        }

        @Override
        public void run() {
            // The encoder is made here, not in TrainingEvents.init: in a fresh JVM it loads
            // jackson-core's generator (tens of milliseconds) and the encoder's own classes, which
            // the trainer need not wait for. Its events wait in the queue meanwhile.
            encoder = makeEncoder();
            burst = new BurstDelivery(delivery, queue, counters, log, BATCH_BYTES * 2, burstThreadName);
            long lastResync = System.nanoTime();
            boolean idle = true;
            // When the current (or last) idle stretch began, and how long the one before the last batch was.
            long idleSince = lastResync;
            long lastIdleStretch = 0;
            long nextNap = SHORTEST_NAP_NANOS;
            // When the current naps began: the deep sleep comes after SLEEP_AFTER_IDLE_NANOS of them.
            long napsSince = lastResync;
            while (true) {
                try {
                    // Read before looking for events: close() queues its last events and then
                    // requests the stop, so a stop seen here comes with every event queued before
                    // it. Read after an empty look, it could end the writer with those unwritten.
                    boolean stopRequested = queue.stopRequested();
                    batch.clear();
                    if (!encodeBatch()) {
                        if (stopRequested) {
                            break;
                        }
                        burst.awaitIdle();
                        long now = System.nanoTime();
                        if (now - lastResync >= CLOCK_RESYNC_NANOS) {
                            clock.resync();
                            lastResync = now;
                        }
                        delivery.maintain(now);
                        if (!idle) {
                            idle = true;
                            idleSince = now;
                            napsSince = now;
                            nextNap = Math.max(SHORTEST_NAP_NANOS, Math.min(LONGEST_NAP_NANOS, lastIdleStretch / 2));
                            if (lastIdleStretch < SHORTEST_NAP_NANOS && workWithin(SPIN_NANOS, now)) {
                                continue;
                            }
                            long untilDue = untilNextEventDue();
                            if (untilDue > nextNap) {
                                // One park through the next event's due time instead of a nap
                                // every few hundred µs until it comes; the naps begin after it.
                                queue.parkConsumer(untilDue, clock.nowMicros());
                                napsSince = System.nanoTime();
                                continue;
                            }
                        }
                        idle(now, lastResync, napsSince, nextNap);
                        nextNap = Math.min(nextNap * 2, LONGEST_NAP_NANOS);
                        continue;
                    }
                    if (idle) {
                        idle = false;
                        lastIdleStretch = System.nanoTime() - idleSince;
                        recentGapsMicros[nextGap] = batchGapMicros;
                        nextGap = (nextGap + 1) % recentGapsMicros.length;
                    }
                    burst.awaitIdle();
                    if (batch.size() >= BATCH_BYTES && delivery.nextBatchToFile()
                            && burst.handOver(batch, lastTakenSeq)) {
                        continue; // encoding the next batch while this one is written
                    }
                    if (batch.lines() > 0) {
                        delivery.deliver(batch);
                    }
                    queue.markDelivered(lastTakenSeq);
                } catch (Throwable t) {
                    // One bad moment must not end delivery for the rest of the run (cf. dogstatsd #56).
                    // The batch in hand is lost: counted, never silent.
                    counters.droppedUnwritable.addAndGet(batch.lines());
                    burst.awaitIdle();
                    queue.markDelivered(lastTakenSeq);
                    log.warn("writer", "the training event writer hit an unexpected error and goes on: " + t);
                    if (t instanceof VirtualMachineError) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                    }
                }
            }
            burst.stop();
            delivery.close();
        }

        /**
         * Naps, or after a long idle stretch sleeps deeply, never past the clock's resync. A
         * primary to be opened again (a bridge not listening yet, a backoff after a failure) does
         * not shorten the sleep: the next event opens it when due, and the idle work after each
         * sleep does too. Waking at every reconnect interval to look for a bridge would cost an
         * idle run's writer ~0.3 % of a CPU and send nothing.
         */
        private void idle(long now, long lastResync, long napsSince, long nap) {
            long untilDue = untilResync(now, lastResync);
            boolean napping = now - napsSince < SLEEP_AFTER_IDLE_NANOS;
            queue.parkConsumer(napping ? Math.min(nap, untilDue) : untilDue, clock.nowMicros());
        }

        private static long untilResync(long now, long lastResync) {
            return Math.min(SLEEP_NANOS, Math.max(0, lastResync + CLOCK_RESYNC_NANOS - now));
        }

        /**
         * How long until just after the trainer's next event is due by its rhythm; 0 when no
         * rhythm is known, it is due already, or it is further off than {@link #LONGEST_DUE_PARK_NANOS}.
         * (The clock's resync and delivery's idle work wait for the park's end.)
         */
        private long untilNextEventDue() {
            long rhythmMicros = Long.MAX_VALUE;
            for (long gap : recentGapsMicros) {
                rhythmMicros = Math.min(rhythmMicros, gap);
            }
            if (rhythmMicros <= 0) {
                return 0;
            }
            long untilMicros = lastTakenMicros + rhythmMicros + DUE_MARGIN_MICROS - clock.nowMicros();
            return untilMicros <= 0 || untilMicros > LONGEST_DUE_PARK_NANOS / 1_000 ? 0 : untilMicros * 1_000;
        }

        /**
         * The encoder, or null when it cannot be made (a jackson-core outside the supported
         * versions): then every event is dropped, counted and warned about, and the writer goes on
         * draining the queue so that no emit call ever waits for it.
         */
        private EventEncoder makeEncoder() {
            try {
                return encoderFor.apply(batch);
            } catch (RuntimeException | LinkageError e) {
                log.warn("encoder", "the training event encoder could not be made (" + LogOutput.cause(e)
                        + "); every event is dropped (counted in stats().droppedUnwritable()): put a supported"
                        + " jackson-core on the class path");
                return null;
            }
        }

        /**
         * One event into the batch, its problems reported (or, without an encoder, its loss: see
         * {@link ProblemReporter}); remembered as the last one taken.
         */
        private void take(EventSlot slot) {
            problems.report(encoder != null ? encoder.encode(slot) : -1);
            lastTakenSeq = slot.seq;
            lastTakenMicros = slot.timestampMicros;
        }

        /** Encodes the next batch: the ring first (every event in it is older than any in the overflow). */
        private boolean encodeBatch() {
            long available = queue.publishedIndex();
            long start = queue.consumedIndex();
            if (available != start) {
                long i = start;
                noteBatchStart(queue.slotAt(i));
                while (i < available && batch.size() < BATCH_BYTES) {
                    EventSlot slot = queue.slotAt(i);
                    take(slot);
                    slot.clear();
                    i++;
                }
                queue.consumedUpTo(i);
                return true;
            }
            if (!queue.hasOverflow()) {
                return false;
            }
            int taken = queue.takeOverflow(overflowBatch);
            if (taken > 0) {
                noteBatchStart(overflowBatch[0]);
            }
            for (int k = 0; k < taken; k++) {
                EventSlot slot = overflowBatch[k];
                overflowBatch[k] = null;
                take(slot);
            }
            return taken > 0;
        }

        private void noteBatchStart(EventSlot first) {
            batchGapMicros = lastTakenMicros == 0 ? 0 : first.timestampMicros - lastTakenMicros;
        }

        /** Whether work arrives within {@code nanos} of {@code from}, spinning. */
        private boolean workWithin(long nanos, long from) {
            do {
                if (queue.hasWork()) {
                    return true;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - from < nanos);
            return false;
        }
    }
}
