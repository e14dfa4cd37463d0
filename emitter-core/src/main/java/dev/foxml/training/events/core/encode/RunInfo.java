package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.support.EmitterIds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Facts about this process for the {@code run_start} event, gathered once at start. The host
 * name comes from the kernel or the environment, never from DNS, which can hang for seconds.
 */
public final class RunInfo {
    final long pid;
    final String host;
    final String jvmVersion;
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

    public RunInfo(long startMicros, Map<String, String> tags) {
        this(startMicros, tags, null, EmitterIds.random());
    }

    public RunInfo(long startMicros, Map<String, String> tags, Map<String, ?> params, String emitterId) {
        this.emitterId = emitterId;
        this.pid = ProcessHandle.current().pid();
        this.host = hostName();
        this.jvmVersion = Runtime.version().toString();
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
