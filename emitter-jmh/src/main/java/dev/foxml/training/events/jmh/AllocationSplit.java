package dev.foxml.training.events.jmh;

import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who allocated what, during the measured iterations: the emitting threads (timed around each
 * burst, on the thread itself) and the emitter's writer thread. JMH's {@code -prof gc} adds up
 * all threads, JMH's own included; this split says whether the trainer's thread allocates at all.
 * The writer's share includes its second thread, which writes full batches to the event file in a
 * burst (started at the first such burst, so usually during warm-up).
 * Printed at the end of the trial, into JMH's log.
 */
final class AllocationSplit {
    private static final String WRITER_THREAD_PREFIX = "foxml-training-events-writer-";
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Thread writer;
    private final LongAdder callerBytes = new LongAdder();
    private final LongAdder callerEmits = new LongAdder();
    private volatile boolean measuring;
    private long writerBytesAtStart = -1;
    /** The writer's second thread as the measured iterations began, or null if it had not started. */
    private Thread burst;
    private long burstBytesAtStart;

    AllocationSplit(Thread writer) {
        this.writer = writer;
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    /** The writer thread of the emitter built since {@code before} was taken (the one new writer). */
    static Thread writerThreadBesides(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(WRITER_THREAD_PREFIX) && !before.contains(t))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the emitter's writer thread was not found"));
    }

    /** The writer's second thread (same number as the writer's), or null when it has not started. */
    private Thread burstThread() {
        String name = writer.getName().replace("-writer-", "-burst-");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Call from {@code @Setup(Level.Iteration)}: counting starts with the first measured iteration. */
    void iteration(IterationParams params) {
        boolean measured = params.getType() == IterationType.MEASUREMENT;
        if (measured && writerBytesAtStart < 0) {
            writerBytesAtStart = THREADS.getThreadAllocatedBytes(writer.getId());
            burst = burstThread();
            burstBytesAtStart = burst == null ? 0 : THREADS.getThreadAllocatedBytes(burst.getId());
        }
        measuring = measured;
    }

    /** Before a burst, on the emitting thread. */
    long start() {
        return measuring ? THREADS.getCurrentThreadAllocatedBytes() : -1;
    }

    /** After a burst of {@code emits}, on the emitting thread. */
    void end(long start, int emits) {
        if (start >= 0) {
            callerBytes.add(THREADS.getCurrentThreadAllocatedBytes() - start);
            callerEmits.add(emits);
        }
    }

    void print(String what) {
        long emits = callerEmits.sum();
        if (emits == 0 || writerBytesAtStart < 0) {
            return;
        }
        long caller = callerBytes.sum();
        long writerBytes = THREADS.getThreadAllocatedBytes(writer.getId()) - writerBytesAtStart;
        Thread second = burst != null ? burst : burstThread(); // started during measurement: all its bytes count
        if (second != null) {
            writerBytes += Math.max(0, THREADS.getThreadAllocatedBytes(second.getId())) - burstBytesAtStart;
        }
        System.out.printf("%n[allocation] %s, measured iterations: emitting threads %.4f B/event (%d B over %d events),"
                        + " writer threads %.4f B/event (%d B)%n",
                what, (double) caller / emits, caller, emits, (double) writerBytes / emits, writerBytes);
    }
}
