package dev.foxml.training.events.kafka;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three trainer JVMs (workers 0-2) → a real broker → the relay (a child JVM) → the bridge's file,
 * with the relay or the broker SIGKILLed and restarted mid-run: every line arrives exactly once,
 * byte for byte, each emitter's lines in seq order.
 */
class RelayEndToEndTest {
    private static final Pattern EMITTER_ID = Pattern.compile("\"emitter_id\": ?\"([0-9a-f]+)\"");
    private static final int WORKERS = 3;
    private static final int EVENTS = 1000;

    static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    @Test
    void theRelayKilledAndRestartedMidRunLosesNothingAndShowsNothingTwice() throws Exception {
        String topic = "relay-kill";
        broker.createTopic(topic, 3);
        Path output = dir.resolve("bridge.jsonl");
        String[] relayArgs = {"--bootstrap", broker.bootstrap(), "--topic", topic, "--group", "relay-kill",
                "--file", output.toString(), "--socket", dir.resolve("no-bridge.sock").toString()};
        long t0 = System.nanoTime();
        List<Process> workers = startWorkers(topic, 50, 20);
        RelayProcess relay = RelayProcess.start(dir, "relay-1", relayArgs);
        int total = WORKERS * (EVENTS + 3);
        int atKill = awaitLines(output, total / 4, 180);
        relay.kill();
        int afterKill = countLines(output);
        System.out.printf("relay SIGKILLed with %d of %d lines delivered (%d after the kill)%n", atKill, total, afterKill);
        relay = RelayProcess.start(dir, "relay-2", relayArgs);
        awaitWorkers(workers);
        awaitLines(output, total, 180);
        String log = relay.stop();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("relay kill test: %d lines in %.1f s; restarted relay: %s%n", total, seconds,
                summaryOf(log));
        assertEveryLineOnceInOrder(output);
    }

    @Test
    void theBrokerKilledAndRestartedMidRunLosesNothingAndShowsNothingTwice() throws Exception {
        String topic = "broker-kill";
        broker.createTopic(topic, 3);
        Path output = dir.resolve("bridge.jsonl");
        String[] relayArgs = {"--bootstrap", broker.bootstrap(), "--topic", topic, "--group", "broker-kill",
                "--file", output.toString(), "--socket", dir.resolve("no-bridge.sock").toString()};
        long t0 = System.nanoTime();
        List<Process> workers = startWorkers(topic, 50, 20);
        try (RelayProcess relay = RelayProcess.start(dir, "relay", relayArgs)) {
            int total = WORKERS * (EVENTS + 3);
            int atKill = awaitLines(output, total / 4, 180);
            broker.kill();
            long down = System.nanoTime();
            broker.start();
            System.out.printf("broker SIGKILLed with %d of %d lines delivered; back after %.1f s%n", atKill, total,
                    (System.nanoTime() - down) / 1e9);
            awaitWorkers(workers);
            awaitLines(output, total, 180);
            String log = relay.stop();
            System.out.printf("broker kill test: %d lines in %.1f s; relay: %s%n", total,
                    (System.nanoTime() - t0) / 1e9, summaryOf(log));
        }
        assertEveryLineOnceInOrder(output);
    }

    private List<Process> startWorkers(String topic, int batch, int pauseMillis) throws IOException {
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            List<String> command = ChildJvm.command("128m", "error", false);
            command.add(TrainerWorker.class.getName());
            command.addAll(List.of(broker.bootstrap(), topic, dir.toString(), Integer.toString(w),
                    Integer.toString(EVENTS), Integer.toString(batch), Integer.toString(pauseMillis)));
            workers.add(new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("worker-" + w + ".out").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("worker-" + w + ".err").toFile()))
                    .start());
        }
        return workers;
    }

    private void awaitWorkers(List<Process> workers) throws Exception {
        for (int w = 0; w < workers.size(); w++) {
            Process p = workers.get(w);
            boolean exited = p.waitFor(300, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            String err = Files.readString(dir.resolve("worker-" + w + ".err"));
            assertTrue(exited, "worker " + w + " finished: " + err);
            assertEquals(0, p.exitValue(), "worker " + w + ": " + err);
            System.out.print("worker " + w + ": " + Files.readString(dir.resolve("worker-" + w + ".out")));
        }
    }

    private static int awaitLines(Path file, int lines, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int n;
        while ((n = countLines(file)) < lines) {
            assertTrue(System.nanoTime() < deadline, "only " + n + " of " + lines + " lines after " + seconds + " s");
            Thread.sleep(20);
        }
        return n;
    }

    private static int countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        int n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String summaryOf(String log) {
        int at = log.indexOf("relay stopped: ");
        return at < 0 ? "(no summary)" : log.substring(at + "relay stopped: ".length()).split("\n")[0];
    }

    /** What each worker sent (its emitter's lines, with their id) is what the file holds for it, in order. */
    private void assertEveryLineOnceInOrder(Path output) throws IOException {
        Map<String, List<String>> delivered = new LinkedHashMap<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            Matcher m = EMITTER_ID.matcher(line);
            assertTrue(m.find(), "a delivered line carries its emitter id");
            delivered.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(line);
        }
        assertEquals(WORKERS, delivered.size(), "one emitter per worker");
        int total = 0;
        for (int w = 0; w < WORKERS; w++) {
            List<String> sent = Files.readAllLines(dir.resolve("worker-" + w + ".sent"), StandardCharsets.UTF_8);
            Matcher m = EMITTER_ID.matcher(sent.get(0));
            assertTrue(m.find());
            List<String> got = delivered.get(m.group(1));
            assertEquals(sent.size(), got.size(), "worker " + w + ": every line exactly once");
            assertEquals(sent, got, "worker " + w + ": the same bytes, in seq order");
            total += got.size();
        }
        assertEquals(WORKERS * (EVENTS + 3), total);
    }
}
