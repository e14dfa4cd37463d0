package dev.foxml.training.events.core;

import dev.foxml.training.events.core.support.LogOutput;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every attempt to reach the socket is logged at DEBUG (under the delivery logger, switched to
 * debug for this child JVM only), while the failure itself is warned about once: a child JVM
 * aimed at a socket file a crashed bridge left behind, with slf4j-simple writing to stderr.
 */
class ReconnectDebugLogTest {
    @TempDir
    Path dir;

    @Test
    void eachReconnectAttemptIsADebugLineAndTheFailureOneWarning() throws Exception {
        Path socket = dir.resolve("bridge.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        Path err = dir.resolve("child.err");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "-Dorg.slf4j.simpleLogger.log." + LogOutput.DELIVERY + "=debug",
                StaleSocketChild.class.getName(), socket.toString(), dir.resolve("events.jsonl").toString(), "20");
        pb.environment().keySet().removeIf(n -> n.startsWith("FOXML_"));
        pb.redirectError(err.toFile());
        pb.redirectOutput(dir.resolve("child.out").toFile());
        Process p = pb.start();
        boolean exited = p.waitFor(60, SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the child exits");
        List<String> lines = Files.readAllLines(err);
        String out = Files.readString(dir.resolve("child.out"));
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertTrue(out.startsWith("ATTEMPTS "), out);
        int attempts = Integer.parseInt(out.trim().substring("ATTEMPTS ".length()));
        assertTrue(attempts >= 20, out);
        long debugAttempts = lines.stream()
                .filter(l -> l.contains("DEBUG " + LogOutput.DELIVERY + " - connecting to the event socket " + socket))
                .count();
        long debugFailures = lines.stream()
                .filter(l -> l.contains("DEBUG " + LogOutput.DELIVERY + " - cannot connect to the event socket " + socket)
                        && l.contains("Connection refused") && l.contains("next attempt in"))
                .count();
        long warnings = lines.stream().filter(l -> l.contains("WARN ")).count();
        System.out.println(attempts + " failed attempts: " + debugAttempts + " DEBUG attempt lines, " + debugFailures
                + " DEBUG failure lines, " + warnings + " WARN line(s)");
        assertTrue(debugAttempts >= attempts, String.join("\n", lines));
        assertTrue(debugFailures >= attempts, String.join("\n", lines));
        assertEquals(1, warnings, String.join("\n", lines));
    }
}
