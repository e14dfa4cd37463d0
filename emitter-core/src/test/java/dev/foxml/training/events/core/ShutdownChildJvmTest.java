package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a JVM's end meets the emitter, with real child JVMs: a main thread that was interrupted,
 * then reports its run and shuts down before returning; and a trainer's own shutdown hook that
 * reports the run failed while the emitter's hook runs at the same time.
 */
class ShutdownChildJvmTest {
    @TempDir
    Path dir;

    private Process start(String mode, Path socket, Path file, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dfoxml.training.event.socket=" + socket);
        command.add("-Dfoxml.training.event.file=" + file);
        command.add("-Dfoxml.training.event.mode=" + mode);
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        command.add(ShutdownChild.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile());
        return pb.start();
    }

    /**
     * The main thread's interrupt flag is set; it emits, reports success, calls
     * {@code TrainingEvents.shutdown()} and returns: every line reaches the socket (or the file)
     * before the JVM ends, and the flag is still set after shutdown().
     */
    @Test
    void anInterruptedMainThatShutsDownBeforeReturningDeliversEverything() throws Exception {
        record Case(String mode, boolean socket, int events, int runs) { }
        // Few JVMs (all sizes run in-process in InterruptedThreadTest); 20 events is where the
        // writer had not even connected when the JVM ended.
        List<Case> cases = List.of(
                new Case("async", true, 20, 2), new Case("async", true, 2_000, 1), new Case("async", true, 20_000, 1),
                new Case("sync", true, 20, 1), new Case("sync", true, 20_000, 1),
                new Case("async", false, 20, 1), new Case("async", false, 20_000, 1),
                new Case("sync", false, 20, 1));
        List<String> failures = new ArrayList<>();
        int run = 0;
        for (Case c : cases) {
            for (int r = 0; r < c.runs(); r++, run++) {
                Path socket = dir.resolve("run-" + run + ".sock");
                Path file = dir.resolve("run-" + run + ".jsonl");
                LineServer server = c.socket() ? LineServer.reading(socket) : null;
                try {
                    Process p = start(c.mode(), socket, file, "interrupted-then-shutdown",
                            String.valueOf(c.events()), "run-" + run);
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    assertTrue(p.waitFor(60, SECONDS), "the child exits");
                    long total = c.events() + 2; // run_start, the progress events, run_complete
                    if (server != null) {
                        server.awaitLines((int) total, 10, SECONDS);
                    }
                    List<String> socketLines = server == null ? List.of() : server.lines();
                    List<String> fileLines = EventFiles.lines(file);
                    for (String line : socketLines) {
                        WireValidator.validate(line);
                    }
                    for (String line : fileLines) {
                        WireValidator.validate(line);
                    }
                    TreeMap<Long, Integer> counts = EventFiles.seqCounts(List.of(socketLines, fileLines));
                    long once = counts.entrySet().stream()
                            .filter(e -> e.getKey() >= 1 && e.getKey() <= total && e.getValue() == 1).count();
                    String last = lastStatus(socketLines, fileLines, total);
                    String what = c.mode() + " to the " + (c.socket() ? "socket" : "file") + ", " + c.events()
                            + " events, run " + (r + 1) + "/" + c.runs();
                    System.out.printf("%s: exit %d, %s, %d of %d lines delivered exactly once (socket %d, file %d),"
                            + " last run_complete: %s%n", what, p.exitValue(), out, once, total,
                            socketLines.size(), fileLines.size(), last);
                    if (p.exitValue() != 0 || !out.equals("INTERRUPTED=true") || once != total
                            || counts.size() != total || !"run_complete/success".equals(last)
                            || (c.socket() && !fileLines.isEmpty())) {
                        failures.add(what);
                    }
                } finally {
                    if (server != null) {
                        server.close();
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), "runs that lost lines, the flag or the final success: " + failures);
    }

    /**
     * A trainer's own shutdown hook reports the run failed (error, then run_complete failed) while
     * the emitter's hook runs at the same time (the JVM starts all hooks at once). Twenty JVMs,
     * ending by main returning, by System.exit, and with the trainer's hook shutting down itself:
     * the last line is always the trainer's failed, never cancelled, and there is one run_complete.
     */
    @Test
    void aTrainersOwnShutdownHookReportingFailureAlwaysWins() throws Exception {
        String[] scenarios = {"hook-reports-failure-on-return", "hook-reports-failure-on-exit",
            "hook-reports-failure-and-shuts-down"};
        int runs = 21; // 7 of each way to end
        int parallel = 3;
        List<String> failures = new ArrayList<>();
        int failedLast = 0;
        for (int first = 0; first < runs; first += parallel) {
            List<Process> batch = new ArrayList<>();
            for (int i = first; i < Math.min(runs, first + parallel); i++) {
                String mode = i % 2 == 0 ? "async" : "sync";
                batch.add(start(mode, dir.resolve("none.sock"), dir.resolve("hook-" + i + ".jsonl"),
                        scenarios[i % scenarios.length], "200", "hook-run-" + i));
            }
            for (int k = 0; k < batch.size(); k++) {
                int i = first + k;
                Process p = batch.get(k);
                assertTrue(p.waitFor(60, SECONDS), "the child exits");
                List<JsonNode> events = new ArrayList<>();
                for (String line : EventFiles.lines(dir.resolve("hook-" + i + ".jsonl"))) {
                    events.add(WireValidator.validate(line));
                }
                JsonNode last = events.get(events.size() - 1);
                JsonNode beforeLast = events.get(events.size() - 2);
                long runCompletes = events.stream()
                        .filter(e -> e.get("event_type").asText().equals("run_complete")).count();
                boolean ok = last.get("event_type").asText().equals("run_complete")
                        && last.get("status").asText().equals("failed")
                        && beforeLast.get("event_type").asText().equals("error")
                        && runCompletes == 1
                        && events.size() == 1 + 200 + 2;
                for (int s = 0; s < events.size(); s++) {
                    ok &= events.get(s).get("seq").asLong() == s + 1;
                }
                if (ok) {
                    failedLast++;
                } else {
                    failures.add(scenarios[i % scenarios.length] + " #" + i + ": last " + last.get("event_type").asText()
                            + "/" + last.path("status").asText() + ", " + runCompletes + " run_complete, "
                            + events.size() + " lines");
                }
            }
        }
        System.out.printf("trainer's own hook: failed was the last line and the only run_complete in %d of %d"
                + " JVMs%n", failedLast, runs);
        assertTrue(failures.isEmpty(), failures.toString());
    }

    private static String lastStatus(List<String> socketLines, List<String> fileLines, long seq) {
        for (List<String> lines : List.of(socketLines, fileLines)) {
            for (String line : lines) {
                JsonNode e = EventFiles.parse(line);
                if (e.get("seq").asLong() == seq) {
                    return e.get("event_type").asText() + "/" + e.path("status").asText();
                }
            }
        }
        return "missing";
    }
}
