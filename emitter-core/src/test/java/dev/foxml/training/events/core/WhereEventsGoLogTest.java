package dev.foxml.training.events.core;

import dev.foxml.training.events.core.support.LogOutput;

import dev.foxml.training.events.EmitterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log says where events go: one INFO line at the start (the socket, or the file because no
 * bridge listens) and one at each switch, and a socket that cannot be connected to (a bridge
 * that crashed and left its socket file) is warned about once with its cause, not at every
 * attempt. Read from what slf4j-simple (the test class path's SLF4J provider) writes to stderr,
 * keeping only the lines about this test's own paths.
 */
class WhereEventsGoLogTest {
    private static final String INFO = "INFO " + LogOutput.DELIVERY + " - ";
    private static final String WARN = "WARN " + LogOutput.DELIVERY + " - ";

    @TempDir
    Path dir;

    private Path socketPath() {
        return dir.resolve("bridge.sock");
    }

    private Path filePath() {
        return dir.resolve("events.jsonl");
    }

    private TrainingEventEmitterBuilder builder() {
        return DefaultTrainingEventEmitter.builder("run-log")
                .environment(name -> null).properties(name -> null)
                .socketPath(socketPath()).filePath(filePath())
                .shutdownHook(false);
    }

    /** The log lines that mention this test's directory. */
    private List<String> linesAboutUs(StderrCapture err) {
        return err.text().lines().filter(l -> l.contains(dir.toString())).toList();
    }

    private static long count(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.contains(prefix)).count();
    }

    @Test
    void oneInfoLineNamesTheSocketWhenABridgeListens() throws Exception {
        List<String> lines;
        try (LineServer server = LineServer.reading(socketPath()); StderrCapture err = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = builder().build()) {
                for (int i = 0; i < 50; i++) {
                    e.emitProgress("training", i);
                }
                assertTrue(e.flush());
            }
            assertTrue(server.awaitLines(52, 10, SECONDS));
            lines = linesAboutUs(err);
        }
        System.out.println(String.join("\n", lines));
        assertEquals(1, count(lines, INFO), lines::toString);
        assertTrue(lines.contains(lines.stream().filter(l -> l.endsWith(INFO + "events go to the socket " + socketPath()))
                .findFirst().orElseThrow(() -> new AssertionError("no INFO naming the socket: " + lines))));
        assertEquals(0, count(lines, WARN), lines::toString);
    }

    @Test
    void oneInfoLineNamesTheFileWhenNoBridgeListensAndEachSwitchIsLogged() throws Exception {
        List<String> lines;
        try (StderrCapture err = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = builder().reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
                    .build()) {
                for (int i = 0; i < 20; i++) {
                    e.emitProgress("training", i);
                }
                assertTrue(e.flush());
                // A bridge starts: the next attempt connects.
                try (LineServer server = LineServer.reading(socketPath())) {
                    assertTrue(LineServer.poll(() -> {
                        e.emitProgress("training", 50);
                        return e.flush() && e.stats().writtenToSocket() > 0;
                    }, 10, SECONDS), "events reach the new bridge");
                    assertTrue(server.awaitLines(1, 10, SECONDS));
                }
                // The bridge goes away: noticed while idle, or by the next write.
                long inFile = e.stats().writtenToFile();
                assertTrue(LineServer.poll(() -> {
                    e.emitProgress("training", 60);
                    return e.flush() && e.stats().writtenToFile() > inFile;
                }, 10, SECONDS), "events go to the file again");
            }
            lines = linesAboutUs(err);
        }
        System.out.println(String.join("\n", lines));
        List<String> infos = lines.stream().filter(l -> l.contains(INFO)).toList();
        assertTrue(infos.size() >= 2, lines::toString);
        assertTrue(infos.get(0).endsWith("no bridge listening at " + socketPath() + "; events go to the file " + filePath()),
                infos.get(0));
        assertTrue(infos.get(1).endsWith("a bridge listens at " + socketPath() + ": events go to the socket, no longer to"
                + " the file " + filePath()), infos.get(1));
        // Back to the file: said by the warning with its reason (or, were that suppressed, an INFO line).
        assertTrue(lines.stream().anyMatch(l -> l.contains("events go to the file " + filePath())
                && lines.indexOf(l) > lines.indexOf(infos.get(1))), lines::toString);
    }

    @Test
    void aStaleSocketFileIsWarnedAboutOnceWithItsCauseNotAtEveryAttempt() throws Exception {
        // A bridge that crashed: its socket file stays, and nothing listens on it.
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socketPath()));
        }
        assertTrue(Files.exists(socketPath()), "the socket file is left behind");
        List<String> lines;
        EmitterStats stats;
        try (StderrCapture err = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = builder()
                    .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(10))
                    // A short warning interval: only the change of state may limit the warnings.
                    .warningInterval(Duration.ofMillis(20))
                    .build()) {
                // Each event tries the socket again once its backoff has passed (an idle writer
                // looks only once a second).
                assertTrue(LineServer.poll(() -> {
                    e.emitProgress("training", 1);
                    return e.flush() && e.stats().socketErrors() >= 40;
                }, 10, SECONDS), "many attempts");
                e.emitProgress("training", 2);
                assertTrue(e.flush());
                stats = e.stats();
            }
            lines = linesAboutUs(err);
        }
        System.out.println(String.join("\n", lines));
        System.out.println("connect attempts that failed: " + stats.socketErrors());
        List<String> warnings = lines.stream().filter(l -> l.contains(WARN)).toList();
        assertEquals(1, warnings.size(), () -> stats.socketErrors() + " attempts: " + lines);
        assertTrue(warnings.get(0).contains("cannot connect to the event socket " + socketPath()), warnings.get(0));
        assertTrue(warnings.get(0).contains("Connection refused"), "the cause: " + warnings.get(0));
        assertEquals(stats.emitted(), stats.writtenToFile(), "run_start and every event: " + stats);
    }
}
