package dev.foxml.training.events.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What this machine charges for a thread's wake-up and for handing a cache line between CPUs,
 * with no emitter involved: the floors under the writer's idle policy and a paced emit. A
 * harness (a {@code main}), as one figure is a thread's CPU time.
 *
 * <ol>
 *   <li><b>A timed park</b>: a thread parking for 50 µs to 1 ms in a loop, its CPU time
 *       ({@code ThreadMXBean}) and wall time per park. A napping writer pays this for every nap,
 *       whether an event came or not: with naps short enough for a 1 ms latency budget it is
 *       paid about once per millisecond, so a trainer emitting 1,000 events a second costs the
 *       writer at least this per event.</li>
 *   <li><b>An unpark</b>: a thread parked for 1 ms, 100 ms or 1 s, then woken by
 *       {@code LockSupport.unpark} from a thread that spun for the last 0.5 ms (as a computing
 *       trainer does); the unpark call alone is timed, on the waking thread. An emit that wakes a
 *       deeply sleeping writer pays this.</li>
 *   <li><b>A cache line taken back</b>: a thread writes a volatile field and parks 300 µs, over
 *       and over; another thread spins 1 ms (a trainer computing), then writes the same field,
 *       timed. An asynchronous emit hands its event to the writer on another CPU: the lines it
 *       writes (the queue's index, the slot) were last read or written there, so each paced emit
 *       pays at least one such transfer.</li>
 * </ol>
 *
 * <pre>
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.WakeUpCostHarness
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.WakeUpCostHarness --unparks 300
 * </pre>
 */
public final class WakeUpCostHarness {
    private static final long[] PARK_MICROS = {50, 100, 300, 1_000};
    private static final long[] UNPARK_AFTER_MILLIS = {1, 100, 1_000};
    private static final long SPIN_TAIL_NANOS = 500_000;

    private static volatile boolean stop;

    private WakeUpCostHarness() {
    }

    /**
     * Runs the harness and prints its figures.
     *
     * @param args {@code --park-seconds N} (time per park length, default 2),
     *     {@code --unparks N} (samples per parked time, default 100; the 1 s row takes at most 30)
     * @throws InterruptedException never (the harness is not interrupted)
     */
    public static void main(String[] args) throws InterruptedException {
        long parkSeconds = 2;
        int unparks = 100;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--park-seconds": parkSeconds = Long.parseLong(value); i++; break;
                case "--unparks": unparks = Integer.parseInt(value); i++; break;
                default:
                    System.err.println("unknown argument " + args[i] + "; use --park-seconds N --unparks N");
                    System.exit(2);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            System.err.println("this JVM cannot measure a thread's CPU time");
            System.exit(2);
        }
        for (long micros : PARK_MICROS) {
            timedParks(threads, TimeUnit.MICROSECONDS.toNanos(micros), TimeUnit.SECONDS.toNanos(parkSeconds));
        }
        for (long millis : UNPARK_AFTER_MILLIS) {
            int samples = millis >= 1_000 ? Math.min(unparks, 30) : unparks;
            unparkAfter(TimeUnit.MILLISECONDS.toNanos(millis), samples);
        }
        lineTakenBack(3_000);
    }

    private static volatile long sharedLine;

    private static void lineTakenBack(int samples) throws InterruptedException {
        stop = false;
        Thread other = new Thread(() -> {
            while (!stop) {
                sharedLine = System.nanoTime();
                LockSupport.parkNanos(300_000);
            }
        }, "wake-up-cost-other-cpu");
        other.setDaemon(true);
        other.start();
        long[] nanos = new long[samples];
        for (int i = -500; i < samples; i++) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
            while (System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            sharedLine = start;
            long took = System.nanoTime() - start;
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        stop = true;
        other.join();
        Arrays.sort(nanos);
        System.out.printf("[wake-up] a volatile write to a line another thread wrote last, 1 ms apart, %d samples"
                        + " (two clock reads included): p50 %d ns, p90 %d ns, p99 %d ns%n", samples,
                nanos[samples / 2], nanos[samples * 9 / 10], nanos[samples * 99 / 100]);
    }

    private static void timedParks(ThreadMXBean threads, long parkNanos, long forNanos) {
        int warmUp = 200;
        for (int i = 0; i < warmUp; i++) {
            LockSupport.parkNanos(parkNanos);
        }
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        int parks = 0;
        while (System.nanoTime() - wallStart < forNanos) {
            LockSupport.parkNanos(parkNanos);
            parks++;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        long wall = System.nanoTime() - wallStart;
        System.out.printf("[wake-up] parkNanos(%d µs), %d parks: %.1f µs of CPU and %.1f µs of wall time per park"
                        + " (%.2f %% of one CPU)%n", parkNanos / 1_000, parks, cpu / 1e3 / parks, wall / 1e3 / parks,
                100.0 * cpu / wall);
    }

    private static void unparkAfter(long parkedNanos, int samples) throws InterruptedException {
        stop = false;
        Thread sleeper = new Thread(() -> {
            while (!stop) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
            }
        }, "wake-up-cost-sleeper");
        sleeper.setDaemon(true);
        sleeper.start();
        long[] nanos = new long[samples];
        for (int i = -3; i < samples; i++) {
            long deadline = System.nanoTime() + parkedNanos;
            long sleep;
            while ((sleep = deadline - SPIN_TAIL_NANOS - System.nanoTime()) > 0) {
                LockSupport.parkNanos(sleep);
            }
            while (System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            LockSupport.unpark(sleeper);
            long took = System.nanoTime() - start;
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        stop = true;
        LockSupport.unpark(sleeper);
        sleeper.join();
        Arrays.sort(nanos);
        System.out.printf("[wake-up] unpark of a thread parked %d ms, %d samples: p50 %.1f µs, p90 %.1f µs,"
                        + " max %.1f µs%n", TimeUnit.NANOSECONDS.toMillis(parkedNanos), samples,
                nanos[samples / 2] / 1e3, nanos[samples * 9 / 10] / 1e3, nanos[samples - 1] / 1e3);
    }
}
