package dev.foxml.training.events.core.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits that an interrupt does not cut short. Trainer threads get interrupted (an executor's
 * {@code shutdownNow}, a task timeout or kill, a Ctrl-C handler) and then still emit, flush and
 * close: a {@code park} would return at once for them, a {@code join} throw at once. Each wait
 * here lasts as long as for any thread, bounded by its own deadline, and leaves the interrupt
 * flag set when it was set before or arrived meanwhile: it is the trainer's, never ours to clear.
 */
public final class Uninterruptibly {
    private Uninterruptibly() {
    }

    /** {@link LockSupport#parkNanos(Object, long)}, also for an interrupted thread. */
    public static void parkNanos(Object blocker, long nanos) {
        boolean interrupted = Thread.interrupted();
        LockSupport.parkNanos(blocker, nanos);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits up to {@code timeoutNanos} for {@code thread} to end.
     *
     * @return whether it ended
     */
    public static boolean join(Thread thread, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
