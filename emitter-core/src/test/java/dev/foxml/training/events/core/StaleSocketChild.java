package dev.foxml.training.events.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The main class of the child JVM in {@link ReconnectDebugLogTest}: an emitter aimed at a socket
 * file nobody listens on, with a short reconnect backoff, left to fail {@code attempts} times.
 * Arguments: socket path, file path, attempts.
 */
public final class StaleSocketChild {
    private StaleSocketChild() {
    }

    public static void main(String[] args) {
        int attempts = Integer.parseInt(args[2]);
        try (DefaultTrainingEventEmitter e = DefaultTrainingEventEmitter.builder("run-stale")
                .environment(name -> null).properties(name -> null)
                .socketPath(Path.of(args[0])).filePath(Path.of(args[1]))
                .shutdownHook(false)
                .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(10))
                .build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (e.stats().socketErrors() < attempts && System.nanoTime() < deadline) {
                e.emitProgress("training", 1.0);
                LockSupport.parkNanos(1_000_000L); // a pause between polls; the loop re-checks
            }
            System.out.println("ATTEMPTS " + e.stats().socketErrors());
        }
    }
}
