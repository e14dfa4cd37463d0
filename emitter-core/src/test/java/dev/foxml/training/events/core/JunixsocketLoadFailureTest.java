package dev.foxml.training.events.core;

import dev.foxml.training.events.core.support.LogOutput;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When junixsocket's native library cannot load, a child trainer's events still reach the socket
 * through the JDK's channel, and its stderr has exactly one line about it, giving the real reason,
 * with no stack trace: through SLF4J when a provider is on the class path, else the emitter's own
 * line (and no SLF4J notice). The load is broken for real, two ways: the directory junixsocket
 * extracts its library to does not exist, or its own switch turns it off.
 */
class JunixsocketLoadFailureTest {
    @TempDir
    Path dir;

    static Stream<Arguments> faults() {
        String missingTmp = "-Dorg.newsclub.net.unix.library.tmpdir=" + "/nonexistent-foxml-test/tmp";
        String disabled = "-Dorg.newsclub.net.unix.library.disable=true";
        return Stream.of(
                Arguments.of("tmpdir missing, slf4j-simple", missingTmp, true, "No such file or directory"),
                Arguments.of("tmpdir missing, no SLF4J provider", missingTmp, false, "No such file or directory"),
                Arguments.of("disabled, slf4j-simple", disabled, true, "junixsocket disabled by System.property"),
                Arguments.of("disabled, no SLF4J provider", disabled, false, "junixsocket disabled by System.property"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void oneLineWithTheRealReasonAndNoStackTraceAndEventsStillFlow(String name, String fault, boolean slf4jSimple,
                                                                   String reason) throws Exception {
        Path socket = dir.resolve("bridge.sock");
        Path file = dir.resolve("events.jsonl");
        Path stderrFile = dir.resolve("child.err");
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> slf4jSimple || !entry.contains("slf4j-simple"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                "-Dfoxml.training.event.socket=" + socket, "-Dfoxml.training.event.file=" + file,
                "-Dorg.slf4j.simpleLogger.logFile=System.err", fault));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED"); // else junixsocket is never tried
        }
        command.addAll(List.of(ChildTrainer.class.getName(), "complete", "100"));
        String stderr;
        try (LineServer server = LineServer.reading(socket)) {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(n -> n.startsWith("FOXML_"));
            pb.redirectError(stderrFile.toFile());
            pb.redirectOutput(dir.resolve("child.out").toFile());
            Process p = pb.start();
            boolean exited = p.waitFor(60, SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            stderr = readQuietly(stderrFile);
            assertTrue(exited, "the child exits");
            assertEquals(0, p.exitValue(), stderr);
            assertTrue(server.awaitLines(1 + 1 + 100 + 1, 10, SECONDS), "every event through the JDK's channel");
            for (String line : server.lines()) {
                WireValidator.validate(line);
            }
        }
        assertFalse(Files.exists(file) && !EventFiles.lines(file).isEmpty(), "nothing went to the file");
        System.out.println(name + ":\n" + stderr);

        List<String> lines = stderr.lines().toList();
        List<String> about = lines.stream().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("junixsocket"))
                .toList();
        assertEquals(1, about.size(), () -> "one line about junixsocket:\n" + stderr);
        String line = about.get(0);
        assertTrue(line.contains(reason), "the real reason: " + line);
        assertTrue(line.contains("JDK's own Unix-domain socket channel"), line);
        assertFalse(line.contains("unsupported on this platform"), line);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ") || l.contains("UnsatisfiedLinkError")
                || l.startsWith("Caused by") || l.contains("Suppressed:")), () -> "no stack trace:\n" + stderr);
        if (slf4jSimple) {
            assertTrue(line.contains("WARN " + LogOutput.PLATFORM + " - "), line);
        } else {
            assertTrue(line.startsWith(LogOutput.STDERR_PREFIX), line);
            assertFalse(stderr.contains("SLF4J"), () -> "no SLF4J notice:\n" + stderr);
            assertEquals(1, lines.size(), () -> "nothing else on stderr:\n" + stderr);
        }
    }

    private static String readQuietly(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
