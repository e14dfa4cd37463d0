package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.support.EmitterIds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Facts about this run and process for the {@code run_start} event. The tags and hyperparameters
 * are copied when the emitter is made; the process's id, host name and JVM version are looked up
 * when the first {@code run_start} is encoded, on the writer thread: the first
 * {@code ProcessHandle.current()} in a JVM starts the JDK's process machinery, the first
 * {@code Runtime.version().toString()} its streams, and the host name is read from a file, all
 * milliseconds that {@code TrainingEvents.init} need not wait for. The host name comes from the
 * kernel or the environment, never from DNS, which can hang for seconds.
 */
public final class RunInfo {
    final long startMicros;
    /** Tags in the caller's order; never null. */
    final String[] tagNames;
    final String[] tagValues;
    /** This emitter's random id: 16 lowercase hex characters. */
    final String emitterId;
    /** Hyperparameters in the caller's order; never null (empty for none). */
    final String[] paramNames;
    /** Each a String, Long, Double, Boolean or null: what the wire can carry, converted once here. */
    final Object[] paramValues;
    /** What converting the values found ({@link ArgumentProblems} bits): a toString that threw, a NaN. */
    final int paramProblems;
    /** Looked up by whichever thread encodes a run_start first; two lookups would find the same. */
    private volatile ProcessFacts process;

    public RunInfo(long startMicros, Map<String, String> tags) {
        this(startMicros, tags, null, EmitterIds.random());
    }

    public RunInfo(long startMicros, Map<String, String> tags, Map<String, ?> params, String emitterId) {
        this.emitterId = emitterId;
        this.startMicros = startMicros;
        this.tagNames = new String[tags.size()];
        this.tagValues = new String[tags.size()];
        int i = 0;
        for (Map.Entry<String, String> e : tags.entrySet()) {
            tagNames[i] = e.getKey();
            tagValues[i] = e.getValue();
            i++;
        }
        int n = params == null ? 0 : params.size();
        this.paramNames = new String[n];
        this.paramValues = new Object[n];
        int problems = 0;
        if (params != null) {
            i = 0;
            for (Map.Entry<String, ?> e : params.entrySet()) {
                paramNames[i] = e.getKey();
                Object value;
                try {
                    value = paramValue(e.getValue());
                } catch (RuntimeException | StackOverflowError hostile) {
                    // A toString or Number method that throws costs the value, never the run.
                    value = null;
                    problems |= ArgumentProblems.NULL_STRING;
                }
                if (value instanceof Double && !Double.isFinite((Double) value)) {
                    value = null;
                    problems |= ArgumentProblems.NOT_FINITE;
                }
                paramValues[i] = value;
                i++;
            }
        }
        this.paramProblems = problems;
    }

    /** This process's id, host name and JVM version, looked up once (see the class comment). */
    static final class ProcessFacts {
        final long pid = ProcessHandle.current().pid();
        final String host = hostName();
        final String jvmVersion = Runtime.version().toString();
    }

    ProcessFacts process() {
        ProcessFacts p = process;
        if (p == null) {
            p = new ProcessFacts();
            process = p;
        }
        return p;
    }

    /**
     * Returns what the encoder will find wrong with the tags and hyperparameters, for the emitter
     * to count and warn about once, when it is made.
     *
     * @param maxStringChars the emitter's longest string
     * @return {@link ArgumentProblems} bits, 0 for none
     */
    public int problems(int maxStringChars) {
        StringRepair repair = new StringRepair(maxStringChars);
        return tagProblems(repair) | paramProblems(repair);
    }

    /** Problems in hyperparameter names and values ({@link ArgumentProblems} bits). */
    private int paramProblems(StringRepair repair) {
        int problems = paramProblems | repair.nameProblems(paramNames);
        for (Object v : paramValues) {
            if (v instanceof String) {
                problems |= repair.valueProblems((String) v);
            }
        }
        return problems;
    }

    /** Problems in tag keys and values ({@link ArgumentProblems} bits). */
    private int tagProblems(StringRepair repair) {
        int problems = repair.nameProblems(tagNames);
        for (String v : tagValues) {
            if (v != null) {
                problems |= repair.valueProblems(v);
            }
        }
        return problems;
    }

    /**
     * A hyperparameter as the wire carries it: booleans and strings as they are, integral numbers
     * as Long (a BigInteger beyond 64 bits as Double), other numbers as Double, anything else as
     * its {@code String.valueOf}.
     */
    static Object paramValue(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof java.util.concurrent.atomic.AtomicInteger
                || v instanceof java.util.concurrent.atomic.AtomicLong) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger && ((java.math.BigInteger) v).bitLength() < 64) {
            return ((java.math.BigInteger) v).longValue();
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        return String.valueOf(v);
    }

    private static String hostName() {
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through to the environment
        }
        String env = System.getenv("HOSTNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("COMPUTERNAME");
        }
        return env == null || env.isBlank() ? "unknown" : env.trim();
    }
}
