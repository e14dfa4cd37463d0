package dev.foxml.training.events.core.queue;

import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue on its own, this test playing the writer: ring, overflow, seq, drops, flush's wait. */
class EventQueueTest {
    private final Counters counters = new Counters();
    private final RateLimitedLog log = new RateLimitedLog(TimeUnit.SECONDS.toNanos(1));
    private final MicrosClock clock = new MicrosClock();

    private EventQueue queue(int capacity, int overflow, long maxEmitBlockMillis) {
        return new EventQueue(capacity, overflow, TimeUnit.MILLISECONDS.toNanos(maxEmitBlockMillis), counters, log,
                clock);
    }

    /** The ring's events as the writer takes them, freeing their slots. */
    private static List<String> takeRing(EventQueue q, List<Long> seqs) {
        List<String> stages = new ArrayList<>();
        long i = q.consumedIndex();
        for (; i < q.publishedIndex(); i++) {
            EventSlot slot = q.slotAt(i);
            stages.add(slot.newStage);
            seqs.add(slot.seq);
            slot.clear();
        }
        q.consumedUpTo(i);
        return stages;
    }

    private static List<String> takeOverflow(EventQueue q, List<Long> seqs) {
        EventSlot[] into = new EventSlot[64];
        int n = q.takeOverflow(into);
        List<String> stages = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            stages.add(into[k].newStage);
            seqs.add(into[k].seq);
        }
        return stages;
    }

    @Test
    void theRingWrapsAroundAndSeqCountsOnInEmitOrder() {
        EventQueue q = queue(4, 4, 20);
        List<Long> seqs = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 3; k++) {
                assertTrue(QueueEmits.stageChange(q, "s" + (round * 3 + k)));
            }
            assertFalse(q.hasOverflow(), "three events fit a ring of four");
            taken.addAll(takeRing(q, seqs));
        }
        assertEquals(15, taken.size());
        for (int i = 0; i < 15; i++) {
            assertEquals("s" + i, taken.get(i));
            assertEquals(i + 1, seqs.get(i));
        }
        assertEquals(15, q.emitted());
        assertEquals(0, counters.droppedQueueFull.get());
    }

    @Test
    void aFullRingSpillsIntoTheOverflowAndEmitOrderIsKept() {
        EventQueue q = queue(2, 8, 20);
        for (int i = 0; i < 5; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        assertTrue(q.hasOverflow());
        List<Long> seqs = new ArrayList<>();
        List<String> taken = new ArrayList<>(takeRing(q, seqs));
        // The ring has room again, but while the overflow holds events, new ones queue behind them.
        assertTrue(QueueEmits.stageChange(q, "s5"));
        assertEquals(List.of(), takeRing(q, new ArrayList<>()), "s5 did not jump the overflow's queue");
        taken.addAll(takeOverflow(q, seqs));
        assertFalse(q.hasOverflow());
        assertTrue(QueueEmits.stageChange(q, "s6"));
        taken.addAll(takeRing(q, seqs));
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6"), taken);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs);
    }

    @Test
    void bothFullTheEventIsDroppedAfterMaxEmitBlockCountedAndItsSeqSkipped() {
        long maxEmitBlockMillis = 30;
        EventQueue q = queue(2, 1, maxEmitBlockMillis);
        for (int i = 0; i < 3; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        long start = System.nanoTime();
        assertFalse(QueueEmits.stageChange(q, "dropped"), "no room within maxEmitBlock");
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(maxEmitBlockMillis),
                "waited " + waited + " ns before dropping");
        assertEquals(1, counters.droppedQueueFull.get());
        assertEquals(4, q.emitted(), "the dropped event used its seq");

        List<Long> seqs = new ArrayList<>();
        takeRing(q, seqs);
        takeOverflow(q, seqs);
        assertTrue(QueueEmits.stageChange(q, "after"));
        takeRing(q, seqs);
        assertEquals(List.of(1L, 2L, 3L, 5L), seqs, "a reader sees the gap");
    }

    @Test
    void aWaitingClaimGetsTheRoomTheWriterFrees() throws Exception {
        EventQueue q = queue(2, 1, TimeUnit.MINUTES.toMillis(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> QueueEmits.stageChange(q, "s3"));
        List<Long> seqs = new ArrayList<>();
        takeRing(q, seqs);
        takeOverflow(q, seqs);
        assertTrue(blocked.get(30, TimeUnit.SECONDS));
        takeRing(q, seqs);
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs);
        assertEquals(0, counters.droppedQueueFull.get());
    }

    @Test
    void anInterruptedClaimWaitsForRoomLikeAnyOtherAndKeepsItsInterrupt() throws Exception {
        EventQueue q = queue(2, 1, TimeUnit.MINUTES.toMillis(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        AtomicReference<Boolean> queued = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            queued.set(QueueEmits.stageChange(q, "s3"));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        interrupted.start();
        interrupted.join(200);
        assertTrue(interrupted.isAlive(), "an interrupt does not end the wait for room");
        List<Long> seqs = new ArrayList<>();
        takeRing(q, seqs);
        takeOverflow(q, seqs);
        interrupted.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(interrupted.isAlive());
        assertTrue(queued.get());
        assertTrue(stillInterrupted.get(), "the interrupt flag is set again");
        takeRing(q, seqs);
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs);
    }

    @Test
    void closedToOtherThreadsAndOneRunCompleteOnly() throws Exception {
        EventQueue q = queue(8, 8, 20);
        assertNotNull(claimAndPublishRunComplete(q));
        assertNull(claimAndPublishRunComplete(q), "a second run_complete is not written");
        assertEquals(1, counters.droppedExtraRunComplete.get());
        assertTrue(q.beginClose(), "a run_complete was accepted");
        assertTrue(QueueEmits.stageChange(q, "from the closing thread"), "the closing thread may still emit");
        q.endClosingEmits();
        assertFalse(QueueEmits.stageChange(q, "after close"));
        AtomicReference<Boolean> fromOther = new AtomicReference<>();
        Thread other = new Thread(() -> fromOther.set(QueueEmits.stageChange(q, "other")));
        other.start();
        other.join();
        assertFalse(fromOther.get());
        assertEquals(2, counters.droppedClosed.get());
        assertEquals(2, q.emitted());
    }

    private static EventSlot claimAndPublishRunComplete(EventQueue q) {
        synchronized (q) {
            EventSlot slot = q.claim(EventType.RUN_COMPLETE, 0);
            if (slot != null) {
                try {
                    slot.runComplete("success");
                } finally {
                    q.publish(slot);
                }
            }
            return slot;
        }
    }

    @Test
    void flushWaitsForTheSeqOfTheLastEventQueuedBeforeIt() throws Exception {
        EventQueue q = queue(8, 8, 20);
        assertTrue(q.flush(TimeUnit.SECONDS.toNanos(1)), "nothing queued: nothing to wait for");
        CountDownLatch stop = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try {
                stop.await();
            } catch (InterruptedException ignored) {
                // ends
            }
        });
        consumer.start();
        q.attachConsumer(consumer);
        for (int i = 0; i < 3; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        CompletableFuture<Boolean> flushed = CompletableFuture.supplyAsync(() -> q.flush(TimeUnit.MINUTES.toNanos(1)));
        q.markDelivered(2);
        assertFalse(flushed.isDone() && flushed.getNow(false), "not before seq 3 is delivered");
        q.markDelivered(3);
        assertTrue(flushed.get(30, TimeUnit.SECONDS));
        stop.countDown();
        consumer.join();
        assertTrue(QueueEmits.stageChange(q, "never delivered"));
        assertFalse(q.flush(TimeUnit.SECONDS.toNanos(30)), "a dead writer: flush gives up at once");
    }

    /**
     * A consumer thread that parks once (napping or sleeping, an hour at most) and ends; returned
     * once it is parked on the queue, so that whatever the test does next must wake it.
     */
    private static Thread parkedConsumer(EventQueue q, Consumer<EventQueue> park) throws InterruptedException {
        Thread consumer = new Thread(() -> park.accept(q), "test-consumer");
        consumer.setDaemon(true);
        q.attachConsumer(consumer);
        consumer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(consumer.getState() == Thread.State.TIMED_WAITING && LockSupport.getBlocker(consumer) == q)) {
            assertTrue(System.nanoTime() - deadline < 0, "the consumer did not park: " + consumer.getState());
            Thread.sleep(1);
        }
        return consumer;
    }

    private static void assertWoken(Thread consumer, String why) throws InterruptedException {
        consumer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(consumer.isAlive(), why);
    }

    @Test
    void aPublishWakesAConsumerWhoseParkEndsBeyondTheBudget() throws Exception {
        EventQueue q = queue(8, 8, 20);
        Thread consumer = parkedConsumer(q, c -> c.parkConsumer(TimeUnit.HOURS.toNanos(1), clock.nowMicros()));
        assertTrue(QueueEmits.stageChange(q, "one"));
        assertWoken(consumer, "an event published during a long sleep wakes the consumer");
        assertEquals(1, q.emitWakeUps());
    }

    @Test
    void aParkEndingWithinTheBudgetCostsTheEmitsNoWakeUpOneEndingLaterCostsOne() {
        EventQueue q = queue(64, 8, 20);
        q.consumerParksUntil(clock.nowMicros() + EventQueue.WAKE_BUDGET_MICROS / 2);
        for (int i = 0; i < 3; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        assertEquals(0, q.emitWakeUps(), "each event waits for the park's end, within the budget");
        q.consumerParksUntil(clock.nowMicros() + 10 * EventQueue.WAKE_BUDGET_MICROS);
        assertTrue(QueueEmits.stageChange(q, "early"));
        assertEquals(1, q.emitWakeUps(), "an event that would wait longer than the budget wakes the consumer");
        q.consumerParksUntil(EventQueue.NOT_PARKED);
        assertTrue(QueueEmits.stageChange(q, "working"));
        assertEquals(1, q.emitWakeUps(), "a working consumer finds the event itself");
    }

    @Test
    void aRingFillingUpToASixteenthWakesTheConsumerWhateverItDoes() {
        EventQueue q = queue(64, 8, 20);
        q.consumerParksUntil(clock.nowMicros() + EventQueue.WAKE_BUDGET_MICROS / 2);
        for (int i = 0; i < 64 / 16 - 1; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        assertEquals(0, q.emitWakeUps());
        assertTrue(QueueEmits.stageChange(q, "a sixteenth"));
        assertEquals(1, q.emitWakeUps(), "the ring at a sixteenth of its capacity wakes the consumer");
    }

    /**
     * The emitting side keeps a lagging copy of the consumer's index (reading the real one on every
     * emit would fetch its cache line from the consumer's CPU each time): the wake-up still comes
     * exactly at the sixteenth, counted from what the consumer has taken.
     */
    @Test
    void theWakeAtASixteenthCountsFromWhatTheConsumerHasTaken() {
        EventQueue q = queue(64, 8, 20);
        for (int i = 0; i < 3; i++) {
            assertTrue(QueueEmits.stageChange(q, "early" + i));
        }
        takeRing(q, new ArrayList<>());
        for (int i = 0; i < 64 / 16 - 1; i++) {
            assertTrue(QueueEmits.stageChange(q, "s" + i));
        }
        assertEquals(0, q.emitWakeUps(), "three events since the consumer's last take: no wake-up");
        assertTrue(QueueEmits.stageChange(q, "fourth"));
        assertEquals(1, q.emitWakeUps(), "the fourth event since the consumer's last take is a sixteenth of the ring");
    }

    @Test
    void flushAndCloseWakeAParkedConsumer() throws Exception {
        EventQueue q = queue(64, 8, 20);
        Thread flushed = parkedConsumer(q, c -> c.parkConsumer(TimeUnit.HOURS.toNanos(1), clock.nowMicros()));
        q.consumerParksUntil(clock.nowMicros() + EventQueue.WAKE_BUDGET_MICROS / 2);
        assertTrue(QueueEmits.stageChange(q, "one"));
        assertEquals(0, q.emitWakeUps(), "within the budget by what the emit was told: no wake-up");
        assertFalse(q.flush(TimeUnit.MILLISECONDS.toNanos(1)), "nothing delivers it in this test");
        assertWoken(flushed, "flush wakes the consumer");
        takeRing(q, new ArrayList<>());
        Thread closing = parkedConsumer(q, c -> c.parkConsumer(TimeUnit.HOURS.toNanos(1), clock.nowMicros()));
        q.close(TimeUnit.SECONDS.toNanos(30));
        assertWoken(closing, "close wakes the consumer");
        assertEquals(0, q.emitWakeUps(), "no emit paid for either");
    }
}
