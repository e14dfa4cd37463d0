package dev.foxml.training.events.core;

import dev.foxml.training.events.core.encode.ArgumentProblems;

import java.util.Arrays;
import java.util.Map;

/**
 * A copy of the caller's metrics, taken on the emitting thread (the caller may reuse its map).
 * Without metrics, the common case, nothing is copied or allocated; a map another thread changes
 * meanwhile costs the metrics, not the event.
 */
final class CopiedMetrics {
    private static final int MAX_METRICS = 64;

    final String[] names;
    final double[] values;
    /** The argument problems given, with those of the metrics added. */
    final int problems;

    private CopiedMetrics(String[] names, double[] values, int problems) {
        this.names = names;
        this.values = values;
        this.problems = problems;
    }

    /** Null for no metrics (null or empty map). */
    static CopiedMetrics of(Map<String, ? extends Number> metrics, int problems) {
        if (metrics == null || metrics.isEmpty()) {
            return null;
        }
        try {
            int n = Math.min(metrics.size(), MAX_METRICS);
            if (metrics.size() > MAX_METRICS) {
                problems |= ArgumentProblems.TOO_LONG;
            }
            String[] names = new String[n];
            double[] values = new double[n];
            int i = 0;
            for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
                if (i == n) {
                    break;
                }
                Number v = e.getValue();
                names[i] = e.getKey();
                values[i] = v == null ? Double.NaN : v.doubleValue();
                if (Double.isNaN(values[i]) || Double.isInfinite(values[i])) {
                    problems |= ArgumentProblems.NOT_FINITE;
                }
                i++;
            }
            if (i < n) {
                names = Arrays.copyOf(names, i);
                values = Arrays.copyOf(values, i);
            }
            return new CopiedMetrics(names, values, problems);
        } catch (RuntimeException concurrentlyModified) {
            return new CopiedMetrics(null, null, problems | ArgumentProblems.NULL_STRING);
        }
    }
}
