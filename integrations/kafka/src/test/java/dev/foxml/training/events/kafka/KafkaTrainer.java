package dev.foxml.training.events.kafka;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The main class of a trainer JVM whose emitter delivers through Kafka: an ordinary emitter,
 * configured by system properties only ({@code foxml.training.event.kafka.bootstrap}, ...), so
 * that Kafka replaces the socket because the provider is on the class path. It emits a run of
 * progress events paced {@code pauseMicros} apart (0: flat out), then, when {@code stopFile} is
 * given, keeps emitting until that file exists; closes, and prints its stats as one line
 * {@code STATS emitted writtenToSocket writtenToFile replayed dropped seconds}.
 *
 * <p>Arguments: file worker events pauseMicros [stopFile] [journal]
 */
public final class KafkaTrainer {
    private KafkaTrainer() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String worker = args[1];
        int events = Integer.parseInt(args[2]);
        long pauseNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[3]));
        Path stopFile = args.length > 4 && !args[4].equals("-") ? Path.of(args[4]) : null;
        boolean journal = args.length > 5 && args[5].equals("journal");
        TrainingEventEmitterBuilder builder = DefaultTrainingEventEmitter.builder("kafka-run")
                .worker(worker).filePath(file).shutdownHook(false).journal(journal)
                .closeTimeout(java.time.Duration.ofSeconds(Long.getLong("kafkaTrainer.closeSeconds", 3)));
        if (System.getProperty("foxml.training.event.socket") == null) {
            builder.socketPath(file.resolveSibling("no-bridge-" + worker + ".sock"));
        }
        long t0 = System.nanoTime();
        EmitterStats stats;
        try (DefaultTrainingEventEmitter emitter = builder.build()) {
            emitter.emitStageChange(null, "training");
            int i = 0;
            while (i < events || (stopFile != null && !Files.exists(stopFile))) {
                emitter.emitProgress("training", Math.min(100.0, 100.0 * i / events), "target-" + (i % 7), Math.min(i, events), events,
                        Map.of("loss", 1.0 / (i + 1)));
                i++;
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                }
            }
            emitter.emitRunComplete(RunStatus.SUCCESS);
            emitter.close();
            stats = emitter.stats();
        }
        System.out.printf("STATS %d %d %d %d %d %.3f%n", stats.emitted(), stats.writtenToSocket(), stats.writtenToFile(),
                stats.replayed(), stats.dropped(), (System.nanoTime() - t0) / 1e9);
        System.out.println("FULL " + stats);
    }
}
