package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventSlot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * {@link EncodeCpuComparison}'s measurement: one build's encoder and {@link EncodeBenchmark}'s events,
 * defined once in each build's class loader (so it refers to no other class of this module).
 */
public final class EncodeCpuSlice {
    private static final BatchBuffer BATCH = new BatchBuffer(64 * 1024);
    private static final EventSlot[] SLOTS = new EventSlot[5];
    private static final EventEncoder ENCODER;
    private static int sink;

    static {
        long now = System.currentTimeMillis() * 1000;
        ENCODER = new EventEncoder("bench-run-0001", null, new RunInfo(now - 3_600_250_000L, Map.of()), 4096, BATCH);
        for (int i = 0; i < SLOTS.length; i++) {
            SLOTS[i] = new EventSlot();
            SLOTS[i].timestampMicros = now;
            SLOTS[i].seq = 1_234_567;
        }
        SLOTS[0].progress("training", 60.0, "ret_5m", 3, 5, -1, -1, Double.NaN, false, null, null);
        SLOTS[1].stageChange("feature_selection", "training", false);
        SLOTS[2].targetComplete("ret_5m", "success", 4, 0.6512, null, null);
        SLOTS[3].runComplete("success");
        SLOTS[4].error("CUDA out of memory while training ret_5m", "java.lang.IllegalStateException", true);
    }

    private EncodeCpuSlice() {
    }

    /** Thread CPU ns per encode of each event, {@code n} encodes each. */
    public static double[] measure(int n) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] nanos = new double[SLOTS.length];
        for (int k = 0; k < SLOTS.length; k++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                BATCH.clear();
                sink += ENCODER.encode(SLOTS[k]);
            }
            nanos[k] = (threads.getCurrentThreadCpuTime() - start) / (double) n;
        }
        if (sink == 42) {
            System.out.print(""); // keeps the results alive
        }
        return nanos;
    }
}
