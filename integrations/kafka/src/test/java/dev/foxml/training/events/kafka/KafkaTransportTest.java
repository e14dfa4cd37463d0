package dev.foxml.training.events.kafka;

import dev.foxml.training.events.core.spi.Transport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka transport driven as the emitter's failover drives it, against a real broker and against none. */
class KafkaTransportTest {
    private static final String ID = "00000000000000c3";
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    private static Map<String, String> settings(String bootstrap, String topic) {
        Map<String, String> settings = new HashMap<>();
        settings.put("foxml.training.event.kafka.bootstrap", bootstrap);
        settings.put("foxml.training.event.kafka.topic", topic);
        settings.put("foxml.training.event.socket", "/nowhere/bridge.sock");
        return settings;
    }

    private static Transport transport(Map<String, String> settings) {
        Transport found = null;
        for (dev.foxml.training.events.core.spi.TransportProvider provider
                : ServiceLoader.load(dev.foxml.training.events.core.spi.TransportProvider.class)) {
            Transport t = provider.primary(settings);
            if (t != null) {
                assertNull(found, "one provider answers");
                found = t;
            }
        }
        assertNotNull(found, "the provider is registered and answers a bootstrap address");
        return found;
    }

    static KafkaConsumer<byte[], byte[]> consumer(String group) {
        KafkaLineSenderTest.broker = broker;
        return KafkaLineSenderTest.consumer(group);
    }

    private static ByteBuffer batch(long fromSeq, long toSeq) {
        StringBuilder s = new StringBuilder();
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            s.append(KafkaLineSenderTest.line(ID, seq)).append('\n');
        }
        return ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutABootstrapAddressTheProviderStaysOutOfTheWay() {
        assertEquals(dev.foxml.training.events.core.EmitterSetting.environmentName(KafkaSettings.PREFIX),
                KafkaSettings.ENV_PREFIX, "environment names by the emitter's one rule");
        Map<String, String> settings = new HashMap<>();
        settings.put("foxml.training.event.socket", "/nowhere/bridge.sock");
        for (dev.foxml.training.events.core.spi.TransportProvider provider
                : ServiceLoader.load(dev.foxml.training.events.core.spi.TransportProvider.class)) {
            assertNull(provider.primary(settings));
        }
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new KafkaTransportProvider().primary(Map.of("foxml.training.event.kafka.bootstrap", " ")));
        assertTrue(empty.getMessage().contains("foxml.training.event.kafka.bootstrap"), empty.getMessage());
        IllegalArgumentException acks = assertThrows(IllegalArgumentException.class,
                () -> new KafkaTransportProvider().primary(Map.of("foxml.training.event.kafka.bootstrap", "h:9",
                        "foxml.training.event.kafka.acks", "1")));
        assertTrue(acks.getMessage().contains("acks"), acks.getMessage());
    }

    @Test
    void secretsNeverReachAMessage() {
        Map<String, String> settings = settings("127.0.0.1:9", "t");
        settings.put("foxml.training.event.kafka.sasl.jaas.config", "org.Module required password=\"hunter2\";");
        settings.put("foxml.training.event.kafka.ssl.truststore.password", "hunter2");
        settings.put("foxml.training.event.kafka.my.custom.token", "hunter2");
        Transport t = transport(settings);
        String all = t.describe() + t.describeOpening() + t.describeBack() + t.describeAbsent() + t;
        assertFalse(all.contains("hunter2"), all);
        assertTrue(t.describeOpening().contains("sasl.jaas.config=[hidden]"), t.describeOpening());
        assertTrue(t.describeOpening().contains("acks=all"), t.describeOpening());
        // A malformed value of a setting that may be secret: the setting is named, the value is not.
        Map<String, String> bad = settings("127.0.0.1:9", "t");
        bad.put("foxml.training.event.kafka.sasl.login.refresh.window.factor", "hunter2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> transport(bad));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("sasl.login.refresh.window.factor"), e.getMessage());
        // One known to be harmless keeps the client's whole message.
        Map<String, String> linger = settings("127.0.0.1:9", "t");
        linger.put("foxml.training.event.kafka.linger.ms", "soon");
        IllegalArgumentException l = assertThrows(IllegalArgumentException.class, () -> transport(linger));
        assertTrue(l.getMessage().contains("soon") && l.getMessage().contains("linger.ms"), l.getMessage());
    }

    @Test
    void everyLineIsOneRecordKeyedByTheEmitterIdInSeqOrder() throws Exception {
        String topic = "transport-lines";
        broker.createTopic(topic, 3);
        Transport t = transport(settings(broker.bootstrap(), topic));
        long t0 = System.nanoTime();
        openWhenReached(t);
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        for (long from = 1; from <= 1000; from += 100) {
            ByteBuffer b = batch(from, from + 99);
            t.write(b, 100);
            assertFalse(b.hasRemaining());
            t.checkHealth(System.nanoTime());
        }
        t.close();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertEquals(0, t.takeUnconfirmed(back), "a clean close confirms everything");
        System.out.printf("transport: open %.2f s, 1000 lines written and confirmed at close after %.2f s%n",
                openSeconds, (System.nanoTime() - t0) / 1e9);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("transport-" + System.nanoTime())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 1000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals(ID, new String(r.key(), StandardCharsets.UTF_8), "the key is the line's emitter_id");
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (long seq = 1; seq <= 1000; seq++) {
            expected.add(KafkaLineSenderTest.line(ID, seq));
        }
        assertEquals(expected, values, "each line byte for byte without its newline, in seq order");
    }

    /** As the failover does: ask {@link Transport#worthOpening()} until a probe has an outcome, then open. */
    static void openWhenReached(Transport t) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!t.worthOpening()) {
            assertTrue(System.nanoTime() < deadline, "the probe ends within max.block.ms");
            Thread.sleep(10);
        }
        t.open();
    }

    @Test
    void withNoBrokerTheWriterIsNeverHeldAndOpenReportsTheCause() throws Exception {
        Map<String, String> settings = settings("127.0.0.1:" + KafkaBroker.freePort(), "nowhere");
        settings.put("foxml.training.event.kafka.max.block.ms", "500");
        Transport t = transport(settings);
        long t0 = System.nanoTime();
        assertTrue(t.worthOpening(), "the first look starts a probe, and the first open waits for it");
        IOException e = assertThrows(IOException.class, t::open);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (e.getMessage().contains("still starting")) {
            // The client's start-up took the whole max.block.ms on a busy machine: the probe goes on.
            e = assertThrows(IOException.class, () -> openWhenReached(t));
        }
        System.out.printf("transport without broker: the first open failed after %.2f s (%s)%n", seconds, e.getMessage());
        assertTrue(e.getMessage().contains("did not answer within max.block.ms"), e.getMessage());
        assertFalse(t.isOpen());
        assertFalse(t.worthOpening(), "not probed again at once: each probe holds a producer for max.block.ms");
        t.close();
    }

    /**
     * A real asynchronous failure without killing the broker: a topic whose records may be at most
     * 200 bytes refuses every line after {@link Transport#write} returned. The next write reports
     * it, and the lines come back in seq order once the transport is closed.
     */
    @Test
    void linesTheBrokerRefusesAfterTheWriteComeBackInSeqOrder() throws Exception {
        String topic = "transport-refusing";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "200"))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        Map<String, String> settings = settings(broker.bootstrap(), topic);
        settings.put("foxml.training.event.kafka.delivery.timeout.ms", "3000");
        // One record per request: the broker refuses each alone (no batch of good and bad lines).
        settings.put("foxml.training.event.kafka.linger.ms", "0");
        Transport t = transport(settings);
        openWhenReached(t);
        t.write(batch(1, 50), 50);
        t.write(batch(51, 100), 50);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        IOException failure = null;
        while (failure == null) {
            try {
                t.checkHealth(System.nanoTime());
                assertTrue(System.nanoTime() < deadline, "the refusals are reported");
                Thread.sleep(20);
            } catch (IOException e) {
                failure = e;
            }
        }
        System.out.println("transport: reported " + failure.getMessage());
        assertTrue(failure.getMessage().contains("did not confirm"), failure.getMessage());
        // The client splits the refused batches and retries until delivery.timeout.ms: the cause is its timeout.
        assertTrue(failure.getMessage().contains("TimeoutException"), failure.getMessage());
        ByteBuffer next = batch(101, 110);
        assertThrows(IOException.class, () -> t.write(next, 10), "a write reports them too");
        assertEquals(0, next.position(), "and takes none of its batch (the caller writes it to the file)");
        t.close();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        int n = t.takeUnconfirmed(back);
        StringBuilder expected = new StringBuilder();
        for (long seq = 1; seq <= 100; seq++) {
            expected.append(KafkaLineSenderTest.line(ID, seq)).append('\n');
        }
        assertEquals(100, n);
        assertEquals(expected.toString(), back.toString(StandardCharsets.UTF_8), "whole lines, seq order, each once");
        assertEquals(0, t.takeUnconfirmed(new ByteArrayOutputStream()), "handed over once");
    }
}
