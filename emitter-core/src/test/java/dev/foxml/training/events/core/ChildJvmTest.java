package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims about processes, proven with real child JVMs. */
class ChildJvmTest {
    @TempDir
    Path dir;

    private Path socketPath() {
        return dir.resolve("bridge.sock");
    }

    private Path filePath() {
        return dir.resolve("events.jsonl");
    }

    private Process start(List<String> jvmOptions, String... args) throws IOException {
        return start(false, jvmOptions, args);
    }

    /** A child trainer configured by -D properties, or (byEnvironment) by the two variables only. */
    private Process start(boolean byEnvironment, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        if (!byEnvironment) {
            command.add("-Dfoxml.training.event.socket=" + socketPath());
            command.add("-Dfoxml.training.event.file=" + filePath());
        }
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        command.addAll(jvmOptions);
        command.add(ChildTrainer.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        if (byEnvironment) {
            pb.environment().put("FOXML_TRAINING_EVENT_SOCKET", socketPath().toString());
            pb.environment().put("FOXML_TRAINING_EVENT_FILE", filePath().toString());
        }
        pb.redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
        return pb.start();
    }

    private static void awaitExit(Process p, int expectedCode) throws InterruptedException {
        boolean exited = p.waitFor(30, SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the child JVM exits by itself");
        assertEquals(expectedCode, p.exitValue());
    }

    private List<JsonNode> fileEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (String line : EventFiles.lines(filePath())) {
            events.add(WireValidator.validate(line));
        }
        return events;
    }

    @Test
    void sigtermDeliversTheQueueAndReportsTheRunCancelled() throws Exception {
        Process p = start(List.of(), "run-until-killed");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("READY", out.readLine());
        assertTrue(LineServer.poll(() -> EventFiles.lines(filePath()).size() >= 5, 10, SECONDS));
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(10, SECONDS), "exits within seconds of SIGTERM");
        assertEquals(143, p.exitValue());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        List<JsonNode> events = fileEvents();
        assertEquals("run_start", events.get(0).get("event_type").asText());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("run_complete", last.get("event_type").asText());
        assertEquals("cancelled", last.get("status").asText());
        assertSeqComplete(events);
    }

    @Test
    void mainReturningWithoutShutdownExitsPromptlyWithEverythingDelivered() throws Exception {
        Process p = start(List.of(), "return-without-shutdown", "5000");
        awaitExit(p, 0);
        List<JsonNode> events = fileEvents();
        assertEquals(1 + 1 + 5000 + 1, events.size(), "run_start, stage_change, 5000 progress, run_complete");
        assertEquals("run_start", events.get(0).get("event_type").asText());
        assertEquals("cancelled", events.get(events.size() - 1).get("status").asText());
        assertSeqComplete(events);
    }

    @Test
    void systemExitMidRunReportsTheRunCancelled() throws Exception {
        Process p = start(List.of(), "exit-mid-run", "300");
        awaitExit(p, 3);
        List<JsonNode> events = fileEvents();
        assertEquals(1 + 1 + 300 + 1, events.size(), "run_start, stage_change, 300 progress, run_complete");
        assertEquals("cancelled", events.get(302).get("status").asText());
        assertSeqComplete(events);
    }

    @Test
    void completedRunThroughTheFacadeEndsInSuccessOnly() throws Exception {
        Process p = start(List.of(), "complete", "10");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("DONE", out.readLine());
        awaitExit(p, 0);
        List<JsonNode> events = fileEvents();
        assertEquals(1 + 1 + 10 + 1, events.size(), "run_start, stage_change, 10 progress, run_complete");
        assertEquals("run_start", events.get(0).get("event_type").asText());
        assertEquals("success", events.get(12).get("status").asText());
        assertSeqComplete(events);
    }

    @Test
    void fourProcessesAppendingToOneFileNeverTearALine() throws Exception {
        int perChild = 20_000;
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            children.add(start(List.of("-Dfoxml.training.event.mode=" + (c % 2 == 0 ? "async" : "sync")),
                    "complete", String.valueOf(perChild), "child-" + c));
        }
        for (Process p : children) {
            awaitExit(p, 0);
        }
        List<String> lines = EventFiles.lines(filePath());
        assertEquals(4 * (1 + 1 + perChild + 1), lines.size(), "run_start, stage_change, progress, run_complete");
        Map<String, Long> lastSeqByRun = new HashMap<>();
        for (String line : lines) {
            JsonNode event = WireValidator.validate(line);
            String run = event.get("run_id").asText();
            long seq = event.get("seq").asLong();
            long previous = lastSeqByRun.getOrDefault(run, 0L);
            assertEquals(previous + 1, seq, "each process's lines in order, none missing, in " + run);
            lastSeqByRun.put(run, seq);
        }
        assertEquals(4, lastSeqByRun.size());
    }

    @Test
    void deliversThroughTheJdkChannelWhenJunixsocketsNativeLibraryCannotLoad() throws Exception {
        try (LineServer server = LineServer.reading(socketPath())) {
            List<String> options = new ArrayList<>(List.of("-Dorg.newsclub.net.unix.library.disable=true"));
            if (Runtime.version().feature() >= 22) {
                // Without it, Java 22+ never tries junixsocket (see the next test).
                options.add("--enable-native-access=ALL-UNNAMED");
            }
            Process p = start(options, "complete", "100");
            awaitExit(p, 0);
            assertTrue(server.awaitLines(1 + 1 + 100 + 1, 10, SECONDS));
            for (String line : server.lines()) {
                WireValidator.validate(line);
            }
            assertTrue(EventFiles.lines(filePath()).isEmpty());
        }
        String stderr = readChildStderr();
        assertTrue(stderr.contains("JDK's own Unix-domain socket"), stderr);
    }

    @Test
    void onJava22AndLaterWithoutNativeAccessTheTrainerSeesNoJvmWarningAndEventsStillFlow() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 22, "restricted-method warnings exist from Java 22");
        try (LineServer server = LineServer.reading(socketPath())) {
            Process p = start(List.of(), "complete", "100");
            awaitExit(p, 0);
            assertTrue(server.awaitLines(1 + 1 + 100 + 1, 10, SECONDS), "delivered over the socket");
        }
        String stderr = readChildStderr();
        assertFalse(stderr.contains("restricted method"), stderr);
        assertFalse(stderr.contains("WARN"), stderr);
    }

    /**
     * Issue 2's end-to-end check: a program using only TrainingEvents, configured by the two
     * environment variables, delivers valid lines to the socket while it listens and to the file
     * after it is gone, every event exactly once.
     */
    @Test
    void theTwoEnvironmentVariablesRouteEventsToSocketThenFile() throws Exception {
        LineServer server = LineServer.reading(socketPath());
        Process p = start(true, List.of(), "run-until-killed");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("READY", out.readLine());
        assertTrue(server.awaitLines(20, 10, SECONDS), "events reach the socket named by the variable");
        server.kill();
        assertTrue(LineServer.poll(() -> EventFiles.lines(filePath()).size() >= 20, 10, SECONDS),
                "then the file named by the variable");
        p.destroy();
        assertTrue(p.waitFor(10, SECONDS));
        List<String> socketLines = server.lines();
        List<String> fileLines = EventFiles.lines(filePath());
        for (String line : socketLines) {
            WireValidator.validate(line);
        }
        List<JsonNode> fileEvents = fileEvents();
        assertEquals("cancelled", fileEvents.get(fileEvents.size() - 1).get("status").asText());
        java.util.TreeMap<Long, Integer> counts = EventFiles.seqCounts(List.of(socketLines, fileLines));
        long last = counts.lastKey();
        for (long seq = 1; seq <= last; seq++) {
            assertTrue(counts.containsKey(seq), "seq " + seq + " is in the socket or the file");
        }
    }

    private String readChildStderr() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".err")).toList()) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    private static void assertSeqComplete(List<JsonNode> events) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).get("seq").asLong(), "seq without gaps or duplicates");
        }
    }
}
