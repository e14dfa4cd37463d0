package dev.foxml.training.events.kafka;

import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.core.DefaultTrainingEventEmitter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The main class of a trainer JVM on "another machine": a real emitter writes its run to a file
 * of its own, and the lines are then sent through {@link KafkaLineSender}, a batch at a time,
 * resending whatever the broker did not confirm until it is confirmed (a broker killed mid-run
 * makes the topic hold some lines twice: the relay must show them once). The lines sent are
 * written to {@code worker-<n>.sent} for the test to compare with what the relay delivered.
 *
 * <p>Arguments: bootstrap topic directory worker events batch pauseMillis
 */
public final class TrainerWorker {
    private static final Pattern SEQ = Pattern.compile("\"seq\": ?(\\d+)");

    private TrainerWorker() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        Path dir = Path.of(args[2]);
        String worker = args[3];
        int events = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        long pauseMillis = Long.parseLong(args[6]);

        Path file = dir.resolve("worker-" + worker + ".jsonl");
        try (DefaultTrainingEventEmitter emitter = DefaultTrainingEventEmitter.builder("multi-host-run")
                .worker(worker).filePath(file).socketPath(dir.resolve("no-bridge-" + worker + ".sock"))
                .shutdownHook(false).build()) {
            emitter.emitStageChange(null, "training");
            for (int i = 0; i < events; i++) {
                emitter.emitProgress("training", 100.0 * i / events, "target-" + (i % 7), i, events,
                        Map.of("loss", 1.0 / (i + 1)));
            }
            emitter.emitRunComplete(RunStatus.SUCCESS);
        }
        String emitterId = String.format("%016x", ThreadLocalRandom.current().nextLong());
        List<byte[]> lines = new ArrayList<>();
        StringBuilder sent = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String withId = withEmitterId(line, emitterId);
            lines.add(withId.getBytes(StandardCharsets.UTF_8));
            sent.append(withId).append('\n');
        }
        Files.writeString(dir.resolve("worker-" + worker + ".sent"), sent.toString());

        int resent = 0;
        long t0 = System.nanoTime();
        try (KafkaLineSender sender = KafkaLineSender.builder().bootstrap(bootstrap).topic(topic)
                .producerSetting("max.block.ms", "2000").producerSetting("delivery.timeout.ms", "8000").build()) {
            for (int from = 0; from < lines.size(); from += batch) {
                List<byte[]> pending = lines.subList(from, Math.min(lines.size(), from + batch));
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (!pending.isEmpty()) {
                    KafkaLineSender.Sending sending = sender.send(emitterId, pending);
                    if (!sending.await(Duration.ofSeconds(60))) {
                        throw new IllegalStateException("no outcome within delivery.timeout.ms");
                    }
                    pending = new ArrayList<>(sending.failed());
                    if (!pending.isEmpty()) {
                        resent += pending.size();
                        System.err.println("worker " + worker + ": resending " + pending.size() + " lines ("
                                + sending.cause() + ")");
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("lines not confirmed for 180 s");
                        }
                        Thread.sleep(200);
                    }
                }
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        }
        System.out.printf("SENT %d lines in %.1f s, %d resent%n", lines.size(), (System.nanoTime() - t0) / 1e9, resent);
    }

    /**
     * The line as the emitter writes it with its id: {@code emitter_id} right after {@code seq}.
     * Lines that already carry one are left as they are.
     */
    static String withEmitterId(String line, String emitterId) {
        if (line.contains("\"emitter_id\"")) {
            return line;
        }
        Matcher m = SEQ.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("a line without seq");
        }
        return line.substring(0, m.end()) + ",\"emitter_id\":\"" + emitterId + "\"" + line.substring(m.end());
    }
}
