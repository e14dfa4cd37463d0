package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The writer of the asynchronous mode: one daemon thread drains the {@link EventQueue} in batches
 * ("smart batching": what is queued, up to 64 KiB, ring first, then overflow), encodes them with
 * the {@link EventEncoder} and hands each batch to {@link Delivery} in one call. Its idle policy
 * lives in its private worker: a few microseconds of spinning after a batch, then a park of up
 * to 100 ms (shorter while delivery has a reconnect due) that an emit or a flush ends early; the
 * clock resynchronised once a second; delivery's idle work ({@link Delivery#maintain}) in between.
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
     * @param encoderFor the encoder writing into the given batch buffer
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
        return new EventWriter(new Worker(queue, encoderFor.apply(batch), batch, delivery, clock, counters, log));
    }

    private EventWriter(Worker worker) {
        thread = new Thread(worker, "foxml-training-events-writer-" + WRITER_NUMBER.incrementAndGet());
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
        private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
        private static final long IDLE_SPIN_NANOS = 5_000;
        private static final long CLOCK_RESYNC_NANOS = TimeUnit.SECONDS.toNanos(1);

        final EventQueue queue;
        private final EventEncoder encoder;
        private final BatchBuffer batch;
        private final Delivery delivery;
        private final MicrosClock clock;
        private final Counters counters;
        private final RateLimitedLog log;
        private final ProblemReporter problems;
        private final EventSlot[] overflowBatch = new EventSlot[1024];
        private long lastTakenSeq;

        Worker(EventQueue queue, EventEncoder encoder, BatchBuffer batch, Delivery delivery, MicrosClock clock,
               Counters counters, RateLimitedLog log) {
            this.queue = queue;
            this.encoder = encoder;
            this.batch = batch;
            this.delivery = delivery;
            this.clock = clock;
            this.counters = counters;
            this.log = log;
            this.problems = new ProblemReporter(counters, log);
        }

        @Override
        public void run() {
            long lastResync = System.nanoTime();
            boolean delivered = false;
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
                        long now = System.nanoTime();
                        if (now - lastResync >= CLOCK_RESYNC_NANOS) {
                            clock.resync();
                            lastResync = now;
                        }
                        delivery.maintain(now);
                        boolean justDelivered = delivered;
                        delivered = false;
                        if (!(justDelivered && workWithin(IDLE_SPIN_NANOS, now))) {
                            queue.parkConsumer(delivery.parkNanos(now, IDLE_PARK_NANOS));
                        }
                        continue;
                    }
                    if (batch.lines() > 0) {
                        delivery.deliver(batch);
                    }
                    delivered = true;
                    queue.markDelivered(lastTakenSeq);
                } catch (Throwable t) {
                    // One bad moment must not end delivery for the rest of the run (cf. dogstatsd #56).
                    // The batch in hand is lost: counted, never silent.
                    counters.droppedUnwritable.addAndGet(batch.lines());
                    queue.markDelivered(lastTakenSeq);
                    log.warn("writer", "the training event writer hit an unexpected error and goes on: " + t);
                    if (t instanceof VirtualMachineError) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                    }
                }
            }
            delivery.close();
        }

        /** Encodes the next batch: the ring first (every event in it is older than any in the overflow). */
        private boolean encodeBatch() {
            long available = queue.publishedIndex();
            long start = queue.consumedIndex();
            if (available != start) {
                long i = start;
                while (i < available && batch.size() < BATCH_BYTES) {
                    EventSlot slot = queue.slotAt(i);
                    problems.report(encoder.encode(slot));
                    lastTakenSeq = slot.seq;
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
            for (int k = 0; k < taken; k++) {
                EventSlot slot = overflowBatch[k];
                overflowBatch[k] = null;
                problems.report(encoder.encode(slot));
                lastTakenSeq = slot.seq;
            }
            return taken > 0;
        }

        /**
         * Right after a batch, more events often follow within microseconds (a trainer logging a few
         * in a row, the next burst): a few microseconds of spinning spare the writer a park and the
         * emitting thread an unpark, a system call each. Measured (IdleLatencyBenchmark, 2-vCPU VM):
         * emit-to-reader p50 8 µs with 5 µs of spinning, 20 µs when the writer parks at once.
         */
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
