package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.queue.QueueEmits;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's idle policy as a trainer feels it: which emits pay a wake-up of the writer (an
 * unpark, a system call on the trainer's thread) when the trainer emits one event at a time.
 */
class IdlePolicyTest {

    /**
     * A trainer emitting every 20 ms: the writer would be in its deep sleep at every event (it
     * sleeps after 5 ms without one) and each emit would pay the wake-up. Once the writer has
     * seen the rhythm it parks until just after the next event is due, and the emits pay none
     * (a few may: an event more than 5 ms late finds the writer asleep again).
     */
    @Test
    void aTrainerEmittingInARhythmPaysNoWakeUpOnceTheWriterHasSeenIt() {
        Counters counters = new Counters();
        RateLimitedLog log = new RateLimitedLog(TimeUnit.SECONDS.toNanos(1));
        MicrosClock clock = new MicrosClock();
        EventQueue queue = new EventQueue(64, 64, TimeUnit.MILLISECONDS.toNanos(20), counters, log, clock);
        InMemoryDelivery delivery = new InMemoryDelivery(n -> null);
        EventWriter.start(queue, batch -> new EventEncoder("run-w", null, new RunInfo(clock.nowMicros(), Map.of()),
                1000, batch), delivery, clock, counters, log);
        int events = 30;
        long gapNanos = TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < events; i++) {
            waitUntil(System.nanoTime() + gapNanos);
            assertTrue(QueueEmits.progress(queue, "training", 50.0, i));
        }
        assertTrue(queue.flush(TimeUnit.SECONDS.toNanos(30)));
        queue.close(TimeUnit.SECONDS.toNanos(30));
        assertEquals(events, delivery.lines().size());
        long paid = queue.emitWakeUps();
        assertTrue(paid <= events / 3, paid + " of " + events + " emits paid a wake-up of the writer");
    }

    /**
     * As a trainer computing a step between its events: parks until shortly before, then spins.
     * Each gap counts from the previous event, so a step that ends late delays the next event
     * rather than bringing it early.
     */
    private static void waitUntil(long deadline) {
        long sleep;
        while ((sleep = deadline - TimeUnit.MILLISECONDS.toNanos(1) - System.nanoTime()) > 0) {
            LockSupport.parkNanos(sleep);
        }
        while (System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}
