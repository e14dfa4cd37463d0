package dev.foxml.training.events.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Facts about this process for the {@code run_start} event, gathered once at start. The host
 * name comes from the kernel or the environment, never from DNS, which can hang for seconds.
 */
final class RunInfo {
    final long pid;
    final String host;
    final String jvmVersion;
    final long startMicros;
    /** Tags in the caller's order; never null. */
    final String[] tagNames;
    final String[] tagValues;

    RunInfo(long startMicros, Map<String, String> tags) {
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
