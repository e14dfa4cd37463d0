package dev.foxml.training.events.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines encoded elsewhere, delivered as an emitter delivers its own: socket, file, replay. */
class LineDeliveryTest {
    @TempDir
    Path dir;

    private LineDelivery open() {
        return LineDelivery.open(DefaultTrainingEventEmitter.builder("relay")
                .socketPath(dir.resolve("bridge.sock")).filePath(dir.resolve("events.jsonl"))
                .reconnectBackoff(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(50)));
    }

    private static String line(long seq) {
        return "{\"event_type\":\"progress\",\"stage\":\"training\",\"seq\":" + seq + ",\"run_id\":\"r\"}";
    }

    private static void add(LineDelivery delivery, String line) {
        byte[] bytes = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
        delivery.add(bytes, 2, bytes.length - 4);
    }

    @Test
    void withoutABridgeTheLinesGoToTheFileWholeAndInOrder() throws Exception {
        try (LineDelivery delivery = open()) {
            for (int seq = 1; seq <= 3; seq++) {
                add(delivery, line(seq));
            }
            assertEquals(3, delivery.pendingLines());
            assertEquals(0, delivery.flush());
            assertEquals(0, delivery.pendingLines());
            assertEquals(0, delivery.flush(), "nothing to flush");
            assertFalse(delivery.socketConnected());
            assertEquals(3, delivery.stats().writtenToFile());
        }
        assertEquals(List.of(line(1), line(2), line(3)), Files.readAllLines(dir.resolve("events.jsonl")));
    }

    @Test
    void aListeningBridgeGetsTheLinesAndWhatItMayNotHaveReadGoesToTheFileWhenItDies() throws Exception {
        List<String> sent = new ArrayList<>();
        try (LineServer bridge = LineServer.reading(dir.resolve("bridge.sock")); LineDelivery delivery = open()) {
            for (int seq = 1; seq <= 100; seq++) {
                add(delivery, line(seq));
                sent.add(line(seq));
            }
            assertEquals(0, delivery.flush());
            assertTrue(bridge.awaitLines(100, 10, TimeUnit.SECONDS));
            assertEquals(sent, bridge.lines().stream().map(String::strip).collect(java.util.stream.Collectors.toList()),
                    "each line once, whole, in order");
            assertEquals(100, delivery.stats().writtenToSocket());

            bridge.kill();
            assertTrue(LineServer.poll(() -> {
                delivery.maintain();
                return !delivery.socketConnected();
            }, 10, TimeUnit.SECONDS), "the dead bridge is noticed");
            add(delivery, line(101));
            assertEquals(0, delivery.flush(), "the file took the line");
        }
        List<String> file = Files.readAllLines(dir.resolve("events.jsonl"));
        assertEquals(line(101), file.get(file.size() - 1));
        assertTrue(file.containsAll(sent), "the lines the bridge may not have read are replayed to the file");
    }

    @Test
    void linesNeitherTheSocketNorTheFileTookAreReportedBack() {
        try (LineDelivery delivery = LineDelivery.open(DefaultTrainingEventEmitter.builder("relay")
                .socketPath(dir.resolve("bridge.sock")).filePath(dir.resolve("no-such-dir").resolve("events.jsonl")))) {
            add(delivery, line(1));
            add(delivery, line(2));
            assertEquals(2, delivery.flush());
            assertEquals(2, delivery.stats().droppedUnwritable());
        }
    }
}
