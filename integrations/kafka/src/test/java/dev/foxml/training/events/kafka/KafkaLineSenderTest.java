package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sender against a real broker, and against none. */
class KafkaLineSenderTest {
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    static String line(String emitterId, long seq) {
        return "{\"event_type\": \"progress\", \"stage\": \"training\", \"progress_pct\": " + (seq % 100)
                + ", \"current_target\": \"ret_5m\", \"targets_complete\": 1, \"targets_total\": 5, \"seq\": " + seq
                + ", \"emitter_id\": \"" + emitterId + "\", \"run_id\": \"run-1\", \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\"}";
    }

    @Test
    void eachLineIsOneRecordKeyedByTheEmitterWithoutItsNewline() throws Exception {
        String topic = "sender-lines";
        broker.createTopic(topic, 3);
        List<byte[]> lines = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int seq = 1; seq <= 500; seq++) {
            String text = line("00000000000000a1", seq) + (seq % 2 == 0 ? "\n" : "");
            lines.add(text.getBytes(StandardCharsets.UTF_8));
            expected.add(line("00000000000000a1", seq));
        }
        long t0 = System.nanoTime();
        try (KafkaLineSender sender = KafkaLineSender.builder().bootstrap(broker.bootstrap()).topic(topic).build()) {
            KafkaLineSender.Sending sending = sender.send("00000000000000a1", lines);
            assertTrue(sending.await(Duration.ofSeconds(60)), "every line confirmed or failed in time");
            assertEquals(List.of(), sending.failed());
            assertEquals(500, sending.confirmed());
            assertNullCause(sending);
        }
        System.out.printf("sender: 500 lines confirmed in %.2f s%n", (System.nanoTime() - t0) / 1e9);

        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("check-" + System.nanoTime())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < 500 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals("00000000000000a1", new String(r.key(), StandardCharsets.UTF_8));
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        // One key, one partition: the records come back in the order sent, byte for byte.
        assertEquals(expected, values);
    }

    private static void assertNullCause(KafkaLineSender.Sending sending) {
        assertEquals(null, sending.cause());
    }

    @Test
    void withoutABrokerEveryLineIsReportedFailedAndTheCallerWaitsAtMostMaxBlock() throws Exception {
        int nothingThere = KafkaBroker.freePort();
        List<byte[]> lines = new ArrayList<>();
        for (int seq = 1; seq <= 200; seq++) {
            lines.add(line("00000000000000b2", seq).getBytes(StandardCharsets.UTF_8));
        }
        try (KafkaLineSender sender = KafkaLineSender.builder().bootstrap("127.0.0.1:" + nothingThere)
                .topic("nowhere").producerSetting("max.block.ms", "500")
                .producerSetting("delivery.timeout.ms", "2000").build()) {
            long t0 = System.nanoTime();
            KafkaLineSender.Sending sending = sender.send("00000000000000b2", lines);
            double sendSeconds = (System.nanoTime() - t0) / 1e9;
            // The bound promised to the writer thread: max.block.ms for the whole batch, not per line
            // (200 lines x 500 ms would be 100 s); 2.5 s of slack for a loaded machine.
            assertTrue(sendSeconds < 3.0, "send returned after " + sendSeconds + " s");
            assertTrue(sending.await(Duration.ofSeconds(30)), "every line failed within delivery.timeout.ms");
            double failedSeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(200, sending.failed().size());
            assertEquals(0, sending.confirmed());
            assertNotNull(sending.cause());
            System.out.printf("sender without broker: send returned after %.2f s, all 200 failed after %.2f s (%s)%n",
                    sendSeconds, failedSeconds, sending.cause());
        }
    }

    @Test
    void settingsThatWouldLoseOrDuplicateLinesAreRefusedAtBuildTime() {
        IllegalArgumentException acks = assertThrows(IllegalArgumentException.class,
                () -> KafkaLineSender.builder().bootstrap("127.0.0.1:9").producerSetting("acks", "1").build());
        assertTrue(acks.getMessage().contains("acks"), acks.getMessage());
        IllegalArgumentException idempotence = assertThrows(IllegalArgumentException.class,
                () -> KafkaLineSender.builder().bootstrap("127.0.0.1:9")
                        .producerSetting("enable.idempotence", "false").build());
        assertTrue(idempotence.getMessage().contains("enable.idempotence"), idempotence.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new KafkaLineSender.Builder(new KafkaSettings(new Properties(), Map.of())).build());
        assertTrue(none.getMessage().contains(KafkaLineSender.BOOTSTRAP_ENV), none.getMessage());
    }

    @Test
    void producerSettingsPassThroughFromPropertiesAndEnvironmentAndSecretsStayOutOfToString() {
        Properties properties = new Properties();
        properties.setProperty("foxml.training.event.kafka.bootstrap", "127.0.0.1:9");
        properties.setProperty("foxml.training.event.kafka.sasl.jaas.config", "secret-from-property");
        Map<String, String> environment = new HashMap<>();
        environment.put("FOXML_TRAINING_EVENT_KAFKA_TOPIC", "from-env");
        environment.put("FOXML_TRAINING_EVENT_KAFKA_SASL_JAAS_CONFIG", "secret-from-env");
        environment.put("FOXML_TRAINING_EVENT_KAFKA_LINGER_MS", "7");
        KafkaSettings settings = new KafkaSettings(properties, environment);
        Map<String, String> passed = settings.passThrough();
        assertEquals("secret-from-property", passed.get("sasl.jaas.config"), "a property wins over the environment");
        assertEquals("7", passed.get("linger.ms"));
        assertFalse(passed.containsKey("bootstrap"));
        assertFalse(passed.containsKey("topic"));
        try (KafkaLineSender sender = new KafkaLineSender.Builder(new KafkaSettings(properties, Map.of(
                "FOXML_TRAINING_EVENT_KAFKA_TOPIC", "from-env"))).build()) {
            assertEquals("from-env", sender.topic());
            assertFalse(sender.toString().contains("secret"), sender.toString());
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer(String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
