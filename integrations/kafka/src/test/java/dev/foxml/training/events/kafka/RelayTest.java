package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.foxml.training.events.kafka.KafkaLineSenderTest.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay in this JVM against a real broker: bad records, duplicates on the topic, the bridge's socket. */
class RelayTest {
    static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    private Relay.Options options(String topic, String... more) {
        List<String> args = new ArrayList<>(List.of("--bootstrap", broker.bootstrap(), "--topic", topic,
                "--group", topic + "-relay", "--file", dir.resolve("bridge.jsonl").toString(),
                "--socket", dir.resolve("bridge.sock").toString()));
        args.addAll(List.of(more));
        return Relay.Options.parse(args.toArray(new String[0]), new KafkaSettings(new java.util.Properties(), Map.of()));
    }

    private static void produce(String topic, List<String> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                // One partition for all, so that the order on the topic is the order here.
                producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8))).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static Thread runInBackground(Relay relay) {
        Thread t = new Thread(relay::run, "relay-under-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private List<String> fileLines() {
        try {
            Path file = dir.resolve("bridge.jsonl");
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void poisonedRecordsAreSkippedAndCountedAndTheRelayGoesOn() throws Exception {
        String topic = "poison";
        broker.createTopic(topic, 1);
        String tooLong = line("00000000000000c3", 99).replace("ret_5m", "x".repeat(5000));
        produce(topic, List.of(
                line("00000000000000c3", 1),
                "not json at all",
                "{\"event_type\": \"progress\", \"seq\": 7}",
                "{\"event_type\": \"progress\", \"emitter_id\": \"00000000000000c3\"}",
                "{\"event_type\": \"progress\", \"seq\": 8, \"emitter_id\": \"00000000000000c3\"} trailing",
                "[1, 2, 3]",
                tooLong,
                line("00000000000000c3", 2),
                line("00000000000000c3", 2),
                line("00000000000000c3", 3)));
        try (Relay relay = new Relay(options(topic, "--max-line-bytes", "4096"))) {
            Thread t = runInBackground(relay);
            await(() -> fileLines().size() >= 3 && relay.badRecords.get() + relay.duplicates.get() >= 7,
                    "3 lines delivered and 7 records dropped");
            relay.stop();
            assertTrue(relay.awaitStopped(Duration.ofSeconds(30)));
            t.join(10_000);
            assertEquals(List.of(line("00000000000000c3", 1), line("00000000000000c3", 2), line("00000000000000c3", 3)),
                    fileLines());
            assertEquals(6, relay.badRecords.get(), relay.summary());
            assertEquals(1, relay.duplicates.get(), relay.summary());
            System.out.println("poison test: " + relay.summary());
        }
    }

    @Test
    void linesGoToTheBridgesSocketWhenItListensAndARestartedRelayDropsWhatItAlreadyDelivered() throws Exception {
        String topic = "to-socket";
        broker.createTopic(topic, 3);
        List<String> lines = new ArrayList<>();
        for (int seq = 1; seq <= 200; seq++) {
            lines.add(line("00000000000000d4", seq));
        }
        produce(topic, lines);
        Path socket = dir.resolve("bridge.sock");
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread reader = new Thread(() -> {
                try (SocketChannel c = server.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                             StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = in.readLine()) != null) {
                        received.add(l);
                    }
                } catch (java.io.IOException ignored) {
                    // the test closes the server
                }
            }, "bridge");
            reader.setDaemon(true);
            reader.start();
            try (Relay relay = new Relay(options(topic))) {
                runInBackground(relay);
                await(() -> received.size() >= 200, "200 lines on the socket");
                relay.stop();
                assertTrue(relay.awaitStopped(Duration.ofSeconds(30)));
            }
            assertEquals(lines, received);
            assertEquals(List.of(), fileLines(), "nothing went to the file while the bridge listened");

            // The same lines again (a producer that retried, a topic replayed): a relay started
            // afresh (another group, so it consumes everything again) knows them from its state file.
            produce(topic, lines.subList(150, 200));
            try (Relay again = new Relay(options(topic, "--group", "replay"))) {
                runInBackground(again);
                await(() -> again.duplicates.get() >= 250, "every line recognised as delivered");
                again.stop();
                assertTrue(again.awaitStopped(Duration.ofSeconds(30)));
                assertEquals(0, again.delivered.get(), again.summary());
            }
            assertEquals(200, received.size());
        }
    }

    @Test
    void withoutItsStateFileARestartedRelayLearnsWhatWasDeliveredFromTheEndOfTheEventFile() throws Exception {
        String topic = "file-tail";
        broker.createTopic(topic, 1);
        List<String> lines = new ArrayList<>();
        for (int seq = 1; seq <= 100; seq++) {
            lines.add(line("00000000000000e5", seq));
        }
        produce(topic, lines);
        try (Relay relay = new Relay(options(topic))) {
            runInBackground(relay);
            await(() -> fileLines().size() >= 100, "100 lines in the file");
            relay.stop();
            assertTrue(relay.awaitStopped(Duration.ofSeconds(30)));
        }
        // Killed between writing the lines and recording them: the state file lacks them.
        Files.deleteIfExists(dir.resolve("bridge.jsonl.relay-state"));
        produce(topic, List.of(line("00000000000000e5", 101)));
        try (Relay again = new Relay(options(topic, "--group", "file-tail-replay"))) {
            runInBackground(again);
            await(() -> again.duplicates.get() >= 100 && fileLines().size() >= 101, "the old lines dropped, the new one delivered");
            again.stop();
            assertTrue(again.awaitStopped(Duration.ofSeconds(30)));
            assertEquals(1, again.delivered.get(), again.summary());
        }
        List<String> expected = new ArrayList<>(lines);
        expected.add(line("00000000000000e5", 101));
        assertEquals(expected, fileLines());
    }

    /** A figure, not a check of speed: lines per second from a topic through the relay into the file. */
    @Test
    void throughputFromTheTopicThroughTheRelayIntoTheFile() throws Exception {
        String topic = "throughput";
        broker.createTopic(topic, 3);
        int perEmitter = 10_000;
        long t0 = System.nanoTime();
        try (KafkaLineSender sender = KafkaLineSender.builder().bootstrap(broker.bootstrap()).topic(topic).build()) {
            List<KafkaLineSender.Sending> sendings = new ArrayList<>();
            for (String id : List.of("00000000000000f1", "00000000000000f2", "00000000000000f3")) {
                for (int from = 1; from <= perEmitter; from += 1000) {
                    List<byte[]> batch = new ArrayList<>();
                    for (int seq = from; seq < from + 1000; seq++) {
                        batch.add(line(id, seq).getBytes(StandardCharsets.UTF_8));
                    }
                    sendings.add(sender.send(id, batch));
                }
            }
            for (KafkaLineSender.Sending s : sendings) {
                assertTrue(s.await(Duration.ofSeconds(120)));
                assertEquals(List.of(), s.failed());
            }
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        int total = 3 * perEmitter;
        long t1 = System.nanoTime();
        try (Relay relay = new Relay(options(topic))) {
            runInBackground(relay);
            await(() -> relay.delivered.get() > 0, "the first line delivered");
            long t2 = System.nanoTime();
            await(() -> relay.delivered.get() >= total, total + " lines delivered");
            long t3 = System.nanoTime();
            double relaySeconds = (t3 - t1) / 1e9;
            double steadySeconds = (t3 - t2) / 1e9;
            relay.stop();
            assertTrue(relay.awaitStopped(Duration.ofSeconds(30)));
            System.out.printf("throughput: %d lines sent (KafkaLineSender) in %.1f s = %.0f lines/s; "
                    + "relayed topic -> file in %.1f s with the consumer's start, %.2f s from the first line on (%.0f lines/s)%n",
                    total, sendSeconds, total / sendSeconds, relaySeconds, steadySeconds, total / steadySeconds);
        }
        assertEquals(total, fileLines().size());
    }
}
