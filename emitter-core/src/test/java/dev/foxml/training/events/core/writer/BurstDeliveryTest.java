package dev.foxml.training.events.core.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.queue.QueueEmits;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a burst to the event file the writer hands each full batch to a second thread and encodes
 * the next meanwhile. Checked here with a delivery that stands in for the file and takes its time
 * over each batch: the order, the single-threadedness of delivery, flush, faults, and the stop.
 */
class BurstDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 6_000;

    @Test
    void fullBatchesToTheFileAreWrittenOnASecondThreadWhileTheWriterEncodesTheNext() throws Exception {
        SlowDelivery delivery = new SlowDelivery(true, false);
        Fixture f = new Fixture(delivery);
        f.burst(EVENTS);
        assertTrue(f.queue.flush(TimeUnit.SECONDS.toNanos(60)), "flush returns once every batch is written");
        assertEquals(EVENTS, delivery.lines().size(), "flush waited for the batch on the second thread too");
        f.close();

        assertInSeqOrder(delivery.lines(), EVENTS);
        assertEquals(0, delivery.overlapping.get(), "never two threads inside delivery at once");
        assertTrue(delivery.onBurstThread.get() > 0, "full batches were written by the second thread");
        assertTrue(delivery.encodedMeanwhile.get() > 0,
                "the writer took events from the queue while a batch was being written");
        assertFalse(delivery.closedDuringDelivery, "delivery is closed only after the last batch");
        assertTrue(delivery.closed);
        assertNoBurstThreadLeft(f);
    }

    @Test
    void batchesToTheSocketStayOnTheWriterThread() throws Exception {
        SlowDelivery delivery = new SlowDelivery(false, false);
        Fixture f = new Fixture(delivery);
        f.burst(EVENTS);
        assertTrue(f.queue.flush(TimeUnit.SECONDS.toNanos(60)));
        f.close();

        assertInSeqOrder(delivery.lines(), EVENTS);
        assertEquals(0, delivery.onBurstThread.get(), "a socket write is cheap and the reader needs the CPU");
        assertNoBurstThreadLeft(f);
    }

    @Test
    void aThrowableOnTheSecondThreadCostsOneBatchCountedAndDeliveryGoesOn() throws Exception {
        SlowDelivery delivery = new SlowDelivery(true, true);
        Fixture f = new Fixture(delivery);
        f.burst(EVENTS);
        assertTrue(f.queue.flush(TimeUnit.SECONDS.toNanos(60)), "flush returns although a batch was lost");
        f.close();

        long lost = f.counters.droppedUnwritable.get();
        assertTrue(lost > 100, "the lost batch is counted, not silent: " + lost);
        assertEquals(EVENTS, delivery.lines().size() + lost, "every other event is delivered");
        assertNoBurstThreadLeft(f);
    }

    private static void assertInSeqOrder(List<String> lines, int events) throws Exception {
        assertEquals(events, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i + 1, JSON.readTree(lines.get(i)).get("seq").asLong(), "line " + i);
        }
    }

    private static void assertNoBurstThreadLeft(Fixture f) {
        String burstThread = f.writer.thread().getName().replace("-writer-", "-burst-");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().equals(burstThread) && t.isAlive(), "the second thread ends with the writer");
        }
    }

    /** A queue large enough to hold a whole burst, and its writer. */
    private static final class Fixture {
        final Counters counters = new Counters();
        final EventQueue queue;
        final EventWriter writer;

        Fixture(SlowDelivery delivery) {
            RateLimitedLog log = new RateLimitedLog(TimeUnit.SECONDS.toNanos(1));
            MicrosClock clock = new MicrosClock();
            queue = new EventQueue(8192, 64, TimeUnit.SECONDS.toNanos(5), counters, log, clock);
            delivery.queue = queue;
            writer = EventWriter.start(queue, batch -> new EventEncoder("run-burst", null,
                    new RunInfo(clock.nowMicros(), Map.of()), 1000, batch), delivery, clock, counters, log);
        }

        void burst(int events) {
            for (int i = 0; i < events; i++) {
                assertTrue(QueueEmits.progress(queue, "training", 50.0, i));
            }
        }

        void close() {
            queue.close(TimeUnit.SECONDS.toNanos(60));
            assertFalse(writer.thread().isAlive(), "the writer stops when asked");
        }
    }

    /**
     * Keeps the lines; takes 2 ms over each batch, as a slow file would; notes which thread
     * delivered, whether two ever did at once, and whether the writer took events meanwhile.
     */
    private static final class SlowDelivery implements Delivery {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlapping = new AtomicInteger();
        final AtomicInteger onBurstThread = new AtomicInteger();
        final AtomicInteger encodedMeanwhile = new AtomicInteger();
        private final boolean toFile;
        private final boolean failFirstOnBurstThread;
        private final List<String> lines = new ArrayList<>();
        volatile EventQueue queue;
        volatile boolean closed;
        volatile boolean closedDuringDelivery;

        SlowDelivery(boolean toFile, boolean failFirstOnBurstThread) {
            this.toFile = toFile;
            this.failFirstOnBurstThread = failFirstOnBurstThread;
        }

        @Override
        public void deliver(BatchBuffer batch) {
            if (inside.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
            }
            try {
                boolean burstThread = Thread.currentThread().getName().startsWith("foxml-training-events-burst-");
                if (burstThread && onBurstThread.incrementAndGet() == 1 && failFirstOnBurstThread) {
                    throw new IllegalStateException("injected");
                }
                long consumedBefore = queue.consumedIndex();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                if (burstThread && queue.consumedIndex() > consumedBefore) {
                    encodedMeanwhile.incrementAndGet();
                }
                ByteBuffer bytes = batch.flipForWrite();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                synchronized (lines) {
                    for (String line : new String(copy, StandardCharsets.UTF_8).split("\n")) {
                        lines.add(line);
                    }
                }
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void maintain(long nowNanos) {
            if (inside.get() != 0) {
                overlapping.incrementAndGet();
            }
        }

        @Override
        public boolean nextBatchToFile() {
            if (inside.get() != 0) {
                overlapping.incrementAndGet();
            }
            return toFile;
        }

        @Override
        public void close() {
            closedDuringDelivery = inside.get() != 0;
            closed = true;
        }

        List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }
    }
}
