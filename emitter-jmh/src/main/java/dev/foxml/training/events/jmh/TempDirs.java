package dev.foxml.training.events.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A private temporary directory per benchmark state, as JUnit's {@code @TempDir} would give:
 * benchmarks never touch the emitter's default paths ({@code /tmp/foxml_training_events.*}).
 * Its path stays short enough for a Unix socket inside it. Deleted in the state's tear-down, and
 * at the latest when the benchmark's JVM exits (a set-up that failed half-way has no tear-down).
 */
final class TempDirs {
    private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path dir : CREATED) {
                try {
                    delete(dir);
                } catch (RuntimeException ignored) {
                    // best effort while the JVM exits
                }
            }
        }, "jmh-temp-dirs"));
    }

    private TempDirs() {
    }

    static Path create() {
        try {
            Path dir = Files.createTempDirectory("foxml-jmh-");
            CREATED.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the directory and everything in it; a benchmark's files must not outlive it. */
    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        CREATED.remove(dir);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
