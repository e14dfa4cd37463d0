package dev.foxml.training.events.jmh;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The events every benchmark sends, and emitters built the same way for all of them (defaults,
 * except for the paths and no shutdown hook). Arguments are constants, i.e. strings the trainer
 * already has: the emit path must not copy them.
 */
final class BenchEvents {
    static final String RUN_ID = "bench-run-2026-01-21-0001";
    static final String STAGE = "training";
    static final double PCT = 60.0;
    static final String TARGET = "ret_5m";
    static final int COMPLETE = 3;
    static final int TOTAL = 5;
    static final String PREVIOUS_STAGE = "feature_selection";
    static final String NEW_STAGE = "training";
    static final TargetStatus TARGET_STATUS = TargetStatus.SUCCESS;
    static final int MODELS = 4;
    static final double AUC = 0.6512;
    static final RunStatus RUN_STATUS = RunStatus.SUCCESS;
    static final String ERROR_MESSAGE = "CUDA out of memory while training ret_5m";
    static final String ERROR_TYPE = "java.lang.IllegalStateException";
    static final boolean RECOVERABLE = true;
    static final long EPOCH = 7;
    static final double THROUGHPUT = 2048.5;

    private BenchEvents() {
    }

    /**
     * A progress line exactly as the emitter writes it for the end-to-end benchmarks' event (its
     * seq made 7 digits long, as in a long run): what the raw baselines write, pre-encoded.
     */
    static byte[] progressLine() {
        Path dir = TempDirs.create();
        try {
            Path file = dir.resolve("probe.jsonl");
            try (DefaultTrainingEventEmitter e = fileEmitter(dir, file, true)) {
                e.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String progress = lines.stream().filter(l -> l.contains("\"event_type\":\"progress\""))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no progress line in " + lines));
            String longRun = progress.replaceFirst("\"seq\":\\d+", "\"seq\":1234567");
            return (longRun + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** An emitter sending to {@code socket} (the file in {@code dir} only if the socket fails). */
    static DefaultTrainingEventEmitter socketEmitter(Path dir, Path socket, boolean synchronous) {
        return DefaultTrainingEventEmitter.builder(RUN_ID)
                .socketPath(socket)
                .filePath(dir.resolve("fallback.jsonl"))
                .synchronous(synchronous)
                .journal(false)
                .shutdownHook(false)
                .build();
    }

    /** An emitter appending to {@code file}: its socket path names nothing, as when no bridge runs. */
    static DefaultTrainingEventEmitter fileEmitter(Path dir, Path file, boolean synchronous) {
        return DefaultTrainingEventEmitter.builder(RUN_ID)
                .socketPath(dir.resolve("absent.sock"))
                .filePath(file)
                .synchronous(synchronous)
                .journal(false)
                .shutdownHook(false)
                .build();
    }

    /**
     * Fails the benchmark (rather than report a figure for lost events) unless everything emitted
     * was delivered where it should have been, none dropped.
     */
    static void checkDelivered(String what, DefaultTrainingEventEmitter emitter, boolean toSocket) {
        if (!emitter.flush()) {
            throw new IllegalStateException(what + ": flush() timed out; " + emitter.stats());
        }
        EmitterStats s = emitter.stats();
        long delivered = toSocket ? s.writtenToSocket() : s.writtenToFile();
        if (s.dropped() != 0 || delivered != s.emitted() || s.replayed() != 0
                || (toSocket && s.writtenToFile() != 0)) {
            throw new IllegalStateException(what + ": not every event was delivered to the "
                    + (toSocket ? "socket" : "file") + ": " + s);
        }
    }
}
