package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trainer JVM whose ordinary emitter has Kafka as its primary delivery (a bootstrap address in
 * its system properties; the provider is on its class path), against a real broker: through the
 * relay to the bridge's file; with the broker down when it starts; with the broker SIGKILLed and
 * restarted mid-run. Nothing is lost: what Kafka did not confirm is in the trainer's own file.
 */
class KafkaPrimaryEndToEndTest {
    private static final Pattern SEQ = Pattern.compile("\"seq\": ?(\\d+)");
    private static final Pattern STATS = Pattern.compile("STATS (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) ([0-9.]+)");

    static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    /** The emitter's stats as the trainer printed them. */
    record Stats(long emitted, long toKafka, long toFile, long replayed, long dropped, double seconds) {
    }

    /**
     * Trainer → Kafka → relay → the bridge's file. The trainer runs in journal mode, so that its
     * own file holds every line exactly as encoded: the bridge's file must hold the same bytes,
     * every line once, in seq order.
     */
    @Test
    void aTrainersLinesReachTheBridgeFileThroughKafkaOnceInOrderAndUnchanged() throws Exception {
        String topic = "primary-relay";
        broker.createTopic(topic, 3);
        Path trainerFile = dir.resolve("trainer.jsonl");
        Path bridgeFile = dir.resolve("bridge.jsonl");
        long t0 = System.nanoTime();
        // The first open waits for the broker up to max.block.ms: long enough here for a trainer
        // JVM's client start-up on a busy machine, so that even the run's first line goes to Kafka
        // (the events queue meanwhile); the close timeout longer still.
        Process trainer = startTrainer(topic, trainerFile, 3000, 1000, null, true,
                Map.of("foxml.training.event.kafka.max.block.ms", "15000", "kafkaTrainer.closeSeconds", "30"));
        try (RelayProcess relay = RelayProcess.start(dir, "relay", "--bootstrap", broker.bootstrap(),
                "--topic", topic, "--group", "primary-relay", "--file", bridgeFile.toString(),
                "--socket", dir.resolve("no-bridge.sock").toString())) {
            Stats stats = awaitTrainer(trainer, "trainer");
            List<String> sent = Files.readAllLines(trainerFile, StandardCharsets.UTF_8);
            assertEquals(stats.emitted(), sent.size(), "journal mode: the trainer's file holds every line");
            awaitLines(bridgeFile, sent.size(), 120);
            relay.stop();
            List<String> delivered = Files.readAllLines(bridgeFile, StandardCharsets.UTF_8);
            System.out.printf("kafka primary → relay: %d lines in %.1f s; trainer %s%n", delivered.size(),
                    (System.nanoTime() - t0) / 1e9, stats);
            assertEquals(stats.emitted(), stats.toKafka(), "every line went to Kafka");
            assertEquals(0, stats.dropped());
            assertEquals(sent, delivered, "the same bytes, every line once, in seq order");
            assertTrue(delivered.get(0).startsWith("{\"event_type\":\"run_start\""), delivered.get(0));
        }
    }

    /**
     * The broker is down when the trainer starts: its first events go to its own file; once the
     * broker answers, later events go through Kafka. The file and the topic together hold every
     * seq, each once (or twice only where counted as replayed).
     */
    @Test
    void theBrokerDownWhenTheTrainerStartsThenStartedLosesNothing() throws Exception {
        String topic = "primary-late-broker";
        broker.createTopic(topic, 1);
        Path trainerFile = dir.resolve("trainer.jsonl");
        Path stop = dir.resolve("stop");
        broker.kill();
        Process trainer;
        try {
            trainer = startTrainer(topic, trainerFile, 200, 1000, stop, false, Map.of());
            awaitLines(trainerFile, 200, 120);
        } finally {
            long down = System.nanoTime();
            broker.start();
            System.out.printf("late broker: answering after %.1f s%n", (System.nanoTime() - down) / 1e9);
        }
        Map<Long, Integer> topicSeqs = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
            awaitRecords(consumer, topicSeqs, 500, 120);
            Files.createFile(stop);
            Stats stats = awaitTrainer(trainer, "trainer");
            awaitAllSeqs(consumer, topicSeqs, trainerFile, stats, 60);
            assertUnionIsEverySeqOnce(topicSeqs, trainerFile, stats);
            assertTrue(seqsIn(trainerFile).containsKey(1L), "the first event is in the fallback file");
            assertTrue(topicSeqs.containsKey(stats.emitted()), "the last event went through Kafka");
            String log = Files.readString(dir.resolve("trainer.err"));
            assertTrue(log.contains("did not answer within max.block.ms"), "the broker's absence is warned: " + log);
            assertTrue(log.contains("takes events"), "and its return: " + log);
        }
    }

    /**
     * The broker SIGKILLed and restarted mid-run, down longer than delivery.timeout.ms: the lines
     * it did not confirm go to the trainer's file, later ones through Kafka again; 0 lost.
     */
    @Test
    void theBrokerKilledAndRestartedMidRunLosesNothing() throws Exception {
        String topic = "primary-broker-kill";
        broker.createTopic(topic, 1);
        Path trainerFile = dir.resolve("trainer.jsonl");
        Path stop = dir.resolve("stop");
        Process trainer = startTrainer(topic, trainerFile, 200, 1000, stop, false,
                Map.of("foxml.training.event.kafka.delivery.timeout.ms", "4000"));
        Map<Long, Integer> topicSeqs = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
            awaitRecords(consumer, topicSeqs, 1000, 120);
            broker.kill();
            long down = System.nanoTime();
            // Down longer than delivery.timeout.ms: the producer gives up on what it holds.
            awaitLines(trainerFile, 1, 120);
            broker.start();
            System.out.printf("broker kill (kafka primary): down %.1f s%n", (System.nanoTime() - down) / 1e9);
            int before = topicSeqs.size();
            awaitRecords(consumer, topicSeqs, before + 500, 120);
            Files.createFile(stop);
            Stats stats = awaitTrainer(trainer, "trainer");
            awaitAllSeqs(consumer, topicSeqs, trainerFile, stats, 60);
            assertUnionIsEverySeqOnce(topicSeqs, trainerFile, stats);
            String log = Files.readString(dir.resolve("trainer.err"));
            // Sends to a killed broker either block for max.block.ms (its metadata gone) or expire
            // after delivery.timeout.ms: either is warned with its cause.
            assertTrue(log.contains("did not confirm") || log.contains("did not take training events within max.block.ms"),
                    "the failure is warned with its cause: " + log);
        }
    }

    private Process startTrainer(String topic, Path file, int events, long pauseMicros, Path stop, boolean journal,
            Map<String, String> settings) throws IOException {
        List<String> command = ChildJvm.command("256m", "warn", true);
        command.add("-Dfoxml.training.event.kafka.bootstrap=" + broker.bootstrap());
        command.add("-Dfoxml.training.event.kafka.topic=" + topic);
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(KafkaTrainer.class.getName());
        command.addAll(List.of(file.toString(), "0", Integer.toString(events), Long.toString(pauseMicros),
                stop == null ? "-" : stop.toString(), journal ? "journal" : "async"));
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("trainer.out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("trainer.err").toFile()))
                .start();
    }

    private Stats awaitTrainer(Process p, String name) throws Exception {
        boolean exited = p.waitFor(180, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String err = Files.readString(dir.resolve(name + ".err"));
        assertTrue(exited, name + " finished: " + err);
        assertEquals(0, p.exitValue(), name + ": " + err);
        String out = Files.readString(dir.resolve(name + ".out"));
        Matcher m = STATS.matcher(out);
        assertTrue(m.find(), out + err);
        return new Stats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Double.parseDouble(m.group(6)));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Polls until the topic has given {@code records} records in all (a broker restart only pauses the polls). */
    private static void awaitRecords(KafkaConsumer<byte[], byte[]> consumer, Map<Long, Integer> seqs, int records,
            int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count(seqs) < records) {
            assertTrue(System.nanoTime() < deadline, "only " + count(seqs) + " of " + records + " records");
            poll(consumer, seqs);
        }
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, Map<Long, Integer> seqs) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seqs.merge(seqOf(new String(r.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
        }
    }

    private static int count(Map<Long, Integer> seqs) {
        return seqs.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Polls until file and topic together hold seqs 1..emitted, or the deadline. */
    private static void awaitAllSeqs(KafkaConsumer<byte[], byte[]> consumer, Map<Long, Integer> topicSeqs,
            Path file, Stats stats, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Map<Long, Integer> inFile = seqsIn(file);
        while (System.nanoTime() < deadline) {
            long missing = 0;
            for (long seq = 1; seq <= stats.emitted(); seq++) {
                if (!topicSeqs.containsKey(seq) && !inFile.containsKey(seq)) {
                    missing++;
                }
            }
            if (missing == 0) {
                return;
            }
            poll(consumer, topicSeqs);
        }
    }

    private static void assertUnionIsEverySeqOnce(Map<Long, Integer> topicSeqs, Path file, Stats stats)
            throws IOException {
        Map<Long, Integer> inFile = seqsIn(file);
        long missing = 0;
        long twice = 0;
        for (long seq = 1; seq <= stats.emitted(); seq++) {
            int n = topicSeqs.getOrDefault(seq, 0) + inFile.getOrDefault(seq, 0);
            if (n == 0) {
                missing++;
            } else if (n > 1) {
                twice += n - 1;
            }
        }
        long beyond = topicSeqs.keySet().stream().filter(s -> s < 1 || s > stats.emitted()).count()
                + inFile.keySet().stream().filter(s -> s < 1 || s > stats.emitted()).count();
        System.out.printf("union: %d events, %d through Kafka, %d in the fallback file, %d lost, %d twice"
                + " (%d counted as replayed); trainer %s%n", stats.emitted(), count(topicSeqs), count(inFile),
                missing, twice, stats.replayed(), stats);
        assertEquals(0, stats.dropped(), "the emitter dropped nothing");
        assertEquals(0, missing, "every seq in the file or the topic");
        assertEquals(0, beyond, "no seq from elsewhere");
        assertTrue(twice <= stats.replayed(), twice + " duplicates, " + stats.replayed() + " counted as replayed");
    }

    private static Map<Long, Integer> seqsIn(Path file) throws IOException {
        Map<Long, Integer> seqs = new TreeMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                seqs.merge(seqOf(line), 1, Integer::sum);
            }
        }
        return seqs;
    }

    private static long seqOf(String line) {
        Matcher m = SEQ.matcher(line);
        assertTrue(m.find(), line);
        return Long.parseLong(m.group(1));
    }

    private static void awaitLines(Path file, int lines, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (countLines(file) < lines) {
            assertTrue(System.nanoTime() < deadline, "only " + countLines(file) + " of " + lines + " lines in " + file);
            Thread.sleep(20);
        }
    }

    private static int countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        int n = 0;
        for (byte b : Files.readAllBytes(file)) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
