package dev.foxml.training.events.core.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.queue.QueueEmits;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code Throwable} thrown inside the writer thread (cf. java-dogstatsd-client #56, where one
 * killed the sender for good): here from delivery, an in-memory one that throws on its first batch.
 */
class WriterResilienceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Throwable> faults() {
        return Stream.of(new StackOverflowError("injected"), new OutOfMemoryError("injected"),
                new IllegalStateException("injected"), new AssertionError("injected"));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aThrowableInTheWriterCostsOneBatchAndDeliveryGoesOn(Throwable fault) throws Exception {
        Counters counters = new Counters();
        RateLimitedLog log = new RateLimitedLog(TimeUnit.SECONDS.toNanos(1));
        MicrosClock clock = new MicrosClock();
        EventQueue queue = new EventQueue(16, 64, TimeUnit.MILLISECONDS.toNanos(20), counters, log, clock);
        InMemoryDelivery delivery = new InMemoryDelivery(n -> n == 1 ? fault : null);
        EventWriter writer = EventWriter.start(queue, batch -> new EventEncoder("run-w", null, new RunInfo(clock.nowMicros(), Map.of()), 1000, batch), delivery,
                clock, counters, log);

        assertTrue(QueueEmits.stageChange(queue, "training"));
        assertTrue(queue.flush(TimeUnit.SECONDS.toNanos(30)), "flush returns although the batch was lost");
        assertEquals(1, counters.droppedUnwritable.get(), "the lost batch is counted, not silent");
        for (int i = 0; i < 40; i++) { // more than the ring holds: the writer keeps draining
            assertTrue(QueueEmits.progress(queue, "training", i * 2.5, i));
        }
        assertTrue(queue.flush(TimeUnit.SECONDS.toNanos(30)));
        queue.close(TimeUnit.SECONDS.toNanos(30));
        assertFalse(writer.thread().isAlive(), "the writer stops when asked");
        assertTrue(delivery.closed(), "and closes delivery");

        List<String> lines = delivery.lines();
        assertEquals(40, lines.size(), "everything after the fault is delivered");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertEquals(i + 2, line.get("seq").asLong(), lines.get(i));
            assertEquals("progress", line.get("event_type").asText());
        }
        assertEquals(1, counters.droppedUnwritable.get());
    }

    /**
     * The encoder is made on the writer thread; when it cannot be (a jackson-core outside the
     * supported versions), the writer must still drain the queue, so that no emit call ever
     * waits for it, and count every event it could not write.
     */
    @Test
    void anEncoderThatCannotBeMadeCostsTheEventsCountedButNeverTheTrainer() throws Exception {
        Counters counters = new Counters();
        RateLimitedLog log = new RateLimitedLog(TimeUnit.SECONDS.toNanos(1));
        MicrosClock clock = new MicrosClock();
        EventQueue queue = new EventQueue(16, 64, TimeUnit.MILLISECONDS.toNanos(20), counters, log, clock);
        InMemoryDelivery delivery = new InMemoryDelivery(n -> null);
        EventWriter writer = EventWriter.start(queue, batch -> {
            throw new NoSuchMethodError("com.fasterxml.jackson.core.JsonFactory.injected()");
        }, delivery, clock, counters, log);

        int events = 0;
        for (int round = 0; round < 5; round++) { // 200 events, more than the ring and overflow hold
            for (int i = 0; i < 40; i++) {
                assertTrue(QueueEmits.stageChange(queue, "stage-" + events++));
            }
            assertTrue(queue.flush(TimeUnit.SECONDS.toNanos(30)), "the writer drains the queue (round " + round + ")");
        }
        assertEquals(0, counters.droppedQueueFull.get(), "no emit waited in vain");
        assertEquals(events, counters.droppedUnwritable.get(), "every event is counted as not written");
        queue.close(TimeUnit.SECONDS.toNanos(30));
        assertFalse(writer.thread().isAlive(), "the writer stops when asked");
        assertTrue(delivery.closed(), "and closes delivery");
        assertEquals(List.of(), delivery.lines());
    }
}
