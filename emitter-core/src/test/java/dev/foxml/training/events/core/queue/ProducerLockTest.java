package dev.foxml.training.events.core.queue;


import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emitting threads' lock: one holder at a time, and every waiter gets it in the end. */
class ProducerLockTest {

    /** Guarded by the lock; deliberately not volatile, so that a lost update shows. */
    private long counter;

    @Test
    void oneHolderAtATimeWithMoreThreadsThanCpus() throws Exception {
        ProducerLock lock = new ProducerLock();
        int threads = 8;
        int each = 200_000;
        List<Thread> workers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    lock.lock();
                    try {
                        counter++;
                    } finally {
                        lock.unlock();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(w.isAlive(), "a thread never got the lock");
        }
        assertEquals((long) threads * each, counter);
    }

    @Test
    void aWaiterGetsTheLockOnceReleasedAfterALongHoldEvenWhenInterrupted() throws Exception {
        ProducerLock lock = new ProducerLock();
        lock.lock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            Thread.currentThread().interrupt(); // park returns at once: must still wait, not take it
            lock.lock();
            acquired.countDown();
            lock.unlock();
        });
        waiter.start();
        assertFalse(acquired.await(200, TimeUnit.MILLISECONDS), "taken while held");
        lock.unlock();
        assertTrue(acquired.await(5, TimeUnit.SECONDS), "never taken after release");
        waiter.join();
    }
}
