package dev.foxml.training.events.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warnings go to the trainer's log, which is often shared, shipped and kept far longer than the
 * events; event content (targets, error messages, metric names, the run id, tags) may be
 * confidential. A child JVM runs emitters into faults with a secret marker in every string it
 * passes, every warning logged (no rate limit), slf4j-simple writing to a file at the most
 * verbose level; the marker must appear in no log line, nor anywhere on the child's stdout or
 * stderr, while the warnings themselves do appear.
 */
class WarningsCarryNoEventContentTest {
    private static final String MARKER = "SECRET7f3a9c";

    @TempDir
    Path dir;

    @Test
    void noEventContentAppearsInWarningsUnderFaults() throws Exception {
        Path log = dir.resolve("slf4j.log");
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.logFile=" + log,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                HostileChild.class.getName(), "leak-probe", dir.toString(), MARKER));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(name -> name.startsWith("FOXML_"));
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        boolean exited = p.waitFor(60, SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the child exits");
        String out = Files.readString(stdout);
        String err = Files.readString(stderr);
        assertEquals(0, p.exitValue(), () -> "child stderr:\n" + err);
        assertTrue(out.contains("DONE"), out);

        String warnings = Files.readString(log);
        // The faults really happened and were warned about...
        for (String expected : List.of(
                "WARN",
                "invalid arguments",
                "the run id, worker id, tags or params have problems",
                "cannot append training events to " + dir.resolve("no-such-directory"),
                "stopped reading")) {
            assertTrue(warnings.contains(expected), () -> "no warning with '" + expected + "' in:\n" + warnings);
        }
        // The dead reader is noticed either while idle or by the next write.
        assertTrue(warnings.contains("the reader closed the socket " + dir.resolve("reading.sock"))
                || warnings.contains("writing to the event socket " + dir.resolve("reading.sock") + " failed"), warnings);
        assertTrue(err.contains("strict mode rejected a call: invalid training event arguments"), err);
        // ...and not one of them carries event content.
        assertFalse(warnings.contains(MARKER), () -> "event content in the log:\n" + linesWith(warnings));
        assertFalse(out.contains(MARKER), () -> "event content on stdout:\n" + linesWith(out));
        assertFalse(err.contains(MARKER), () -> "event content on stderr:\n" + linesWith(err));
    }

    private static String linesWith(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.contains(MARKER)) {
                sb.append(line, 0, Math.min(line.length(), 300)).append('\n');
            }
        }
        return sb.toString();
    }
}
