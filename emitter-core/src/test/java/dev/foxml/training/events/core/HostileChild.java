package dev.foxml.training.events.core;

import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the child JVMs in {@link ConfigurationErrorsTest} and
 * {@link WarningsCarryNoEventContentTest}.
 * <ul>
 *   <li>{@code init-from-environment}: {@code TrainingEvents.init} configured by the real
 *       environment; prints the exception it threw, if any.</li>
 *   <li>{@code leak-probe DIR MARKER}: runs emitters into every fault this test can arrange
 *       cheaply, with {@code MARKER} in every string it passes, and every warning logged
 *       (no rate limit).</li>
 * </ul>
 */
public final class HostileChild {
    private HostileChild() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "init-from-environment":
                try {
                    TrainingEvents.init("child-run");
                    System.out.println("INITIALISED");
                    TrainingEvents.shutdown();
                } catch (IllegalArgumentException e) {
                    System.out.println("IllegalArgumentException: " + e.getMessage());
                }
                return;
            case "leak-probe":
                leakProbe(Path.of(args[1]), args[2]);
                System.out.println("DONE");
                return;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    private static TrainingEventEmitterBuilder builder(String marker, Path socket, Path file) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(marker, marker + "\n");
        return DefaultTrainingEventEmitter.builder("run-" + marker + "\u0001")
                .environment(name -> null)
                .properties(name -> null)
                .socketPath(socket)
                .filePath(file)
                .worker(marker)
                .tags(tags)
                .shutdownHook(false)
                .warningInterval(Duration.ZERO)
                .writeTimeout(Duration.ofMillis(20))
                .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20));
    }

    private static void leakProbe(Path dir, String marker) throws Exception {
        Path unwritable = dir.resolve("no-such-directory").resolve("events.jsonl");

        // 1. Nothing listens and the file cannot be written; every argument hostile.
        try (DefaultTrainingEventEmitter e = builder(marker, dir.resolve("absent.sock"), unwritable)
                .synchronous(true).build()) {
            emitEverything(e, marker);
        }
        try (DefaultTrainingEventEmitter e = builder(marker, dir.resolve("absent.sock"), unwritable).build()) {
            emitEverything(e, marker);
            e.flush();
        }

        // 2. A reader that accepts and never reads: write timeouts, replay to the unwritable file.
        try (LineServer stalled = LineServer.stalled(dir.resolve("stalled.sock"));
             DefaultTrainingEventEmitter e = builder(marker, stalled.path(), unwritable)
                     .flushTimeout(Duration.ofSeconds(5)).build()) {
            String big = marker.repeat(4096 / marker.length());
            for (int i = 0; i < 600 && e.stats().socketErrors() == 0; i++) {
                e.emitProgress(big, i % 100, big, i, 600);
            }
            LineServer.poll(() -> e.stats().socketErrors() > 0, 5, TimeUnit.SECONDS);
            emitEverything(e, marker);
            e.flush();
        }

        // 3. A reader that dies mid-run.
        try (LineServer reading = LineServer.reading(dir.resolve("reading.sock"));
             DefaultTrainingEventEmitter e = builder(marker, reading.path(), unwritable).build()) {
            emitEverything(e, marker);
            e.flush();
            reading.kill();
            LineServer.poll(() -> e.stats().socketErrors() > 0, 5, TimeUnit.SECONDS);
            emitEverything(e, marker);
            e.flush();
        }

        // 4. Strict mode: what the exceptions say (printed to stderr, which the test reads too).
        try (DefaultTrainingEventEmitter e = DefaultTrainingEventEmitter.builder("strict-run")
                .environment(name -> null).properties(name -> null)
                .socketPath(dir.resolve("absent.sock")).filePath(dir.resolve("strict.jsonl"))
                .shutdownHook(false).synchronous(true).strict(true).build()) {
            Runnable[] calls = {
                () -> e.emitProgress(marker + "\n", Double.NaN, marker + "\uD800", -1, 5),
                () -> e.emitStageChange(marker + "\u2028", ""),
                () -> e.emitTargetComplete(marker + "\u0000", null, -1, Double.POSITIVE_INFINITY),
                () -> e.emitError(marker.repeat(5000), marker + "\t", true),
            };
            for (Runnable call : calls) {
                try {
                    call.run();
                } catch (IllegalArgumentException rejected) {
                    System.err.println("strict mode rejected a call: " + rejected.getMessage());
                }
            }
        }
    }

    private static void emitEverything(TrainingEventEmitter e, String marker) {
        String huge = marker.repeat(20_000 / marker.length());
        e.emitStageChange(marker + "\u2028", marker + "\u0000");
        e.emitProgress(marker + "\n", Double.NaN, marker + "\uD800", -1, -5);
        e.emitProgress(huge, 500.0);
        e.emitProgress(marker, Double.NEGATIVE_INFINITY, huge, 9, 3);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            metrics.put(marker + i + "\n", i % 2 == 0 ? Double.NaN : (double) i);
        }
        e.emitProgress(marker, 50.0, marker, 1, 2, metrics);
        e.emitTargetComplete(marker + "\t", null, -3, Double.POSITIVE_INFINITY);
        e.emitTargetComplete(huge, TargetStatus.SUCCESS);
        e.emitError(marker + "\r\n", marker + "\u001b[31m", true);
        e.emitError(new RuntimeException(marker + "\u0007"), false);
        e.emitError(new RuntimeException(huge), false);
        e.emitRunComplete(null);
    }
}
