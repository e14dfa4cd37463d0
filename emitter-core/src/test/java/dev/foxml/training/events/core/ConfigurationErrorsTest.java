package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad configuration fails when the emitter is built (or {@code TrainingEvents.init} runs), never
 * later inside training, with a message that names where the value came from (the environment
 * variable, the system property or the builder method) and what to do about it. Environment
 * variables are simulated through the builder's test hook; one test sets a real one in a child
 * JVM and goes through the static facade.
 */
class ConfigurationErrorsTest {
    private static final String SOCKET_ENV = TrainingEventEmitterBuilder.SOCKET_ENV;
    private static final String FILE_ENV = TrainingEventEmitterBuilder.FILE_ENV;
    private static final String MODE_ENV = TrainingEventEmitterBuilder.MODE_ENV;

    @TempDir
    Path dir;

    private static TrainingEventEmitterBuilder withEnvironment(Map<String, String> env) {
        return DefaultTrainingEventEmitter.builder("run-c")
                .environment(env::get)
                .properties(name -> null)
                .shutdownHook(false);
    }

    private static IllegalArgumentException rejected(TrainingEventEmitterBuilder builder) {
        return assertThrows(IllegalArgumentException.class, builder::config);
    }

    private static void assertMentions(IllegalArgumentException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' missing from: " + e.getMessage());
        }
    }

    /** An absolute path of exactly {@code bytes} UTF-8 bytes under {@code /tmp}. */
    private static String pathOfBytes(int bytes) {
        String prefix = "/tmp/";
        String suffix = ".sock";
        return prefix + "s".repeat(bytes - prefix.length() - suffix.length()) + suffix;
    }

    // ---- the socket path ----

    @Test
    void aSocketPathLongerThanTheUnixLimitIsRejectedNamingTheVariableAndTheLimit() {
        String tooLong = pathOfBytes(108);
        IllegalArgumentException e = rejected(withEnvironment(Map.of(SOCKET_ENV, tooLong)));
        assertMentions(e, "environment variable " + SOCKET_ENV, "108 bytes", "at most 107", "shorter path");
    }

    @Test
    void aSocketPathOfExactly107BytesIsAccepted() {
        String longest = pathOfBytes(107);
        EmitterConfig config = assertDoesNotThrow(() -> withEnvironment(Map.of(SOCKET_ENV, longest)).config());
        assertEquals(Path.of(longest), config.socketPath());
    }

    @Test
    void theSocketLimitCountsUtf8BytesNotCharacters() {
        // 100 chars, but each 'ä' is two bytes in UTF-8: 150 bytes in sun_path.
        String path = "/tmp/" + "\u00e4".repeat(50) + "s".repeat(40) + ".sock";
        assertTrue(path.length() < 107);
        IllegalArgumentException e = rejected(withEnvironment(Map.of(SOCKET_ENV, path)));
        assertMentions(e, SOCKET_ENV, "150 bytes", "at most 107");
    }

    @Test
    void aTooLongSocketPathFromTheBuilderNamesTheBuilderMethod() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of()).socketPath(Path.of(pathOfBytes(200))));
        assertMentions(e, "socketPath(...)", "200 bytes", "shorter path");
    }

    @Test
    void aTooLongSocketPathFromASystemPropertyNamesTheProperty() {
        UnaryOperator<String> props = name -> name.equals(TrainingEventEmitterBuilder.SOCKET_PROPERTY)
                ? pathOfBytes(300) : null;
        IllegalArgumentException e = rejected(withEnvironment(Map.of(SOCKET_ENV, "/tmp/ok.sock")).properties(props));
        assertMentions(e, "system property " + TrainingEventEmitterBuilder.SOCKET_PROPERTY, "300 bytes");
    }

    @Test
    void aRelativeSocketPathIsRejectedWithAnAbsoluteExample() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(SOCKET_ENV, "bridge.sock")));
        assertMentions(e, SOCKET_ENV, "relative path 'bridge.sock'", "must be absolute",
                Path.of("bridge.sock").toAbsolutePath().toString());
    }

    @Test
    void aSocketPathThatIsADirectoryIsRejected() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(SOCKET_ENV, dir.toString())));
        assertMentions(e, SOCKET_ENV, "is the directory " + dir, dir.resolve("foxml_training_events.sock").toString());
    }

    // ---- the file path ----

    @Test
    void aFilePathThatIsADirectoryIsRejectedWithAFileInItAsTheFix() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(FILE_ENV, dir.toString())));
        assertMentions(e, "environment variable " + FILE_ENV, "is the directory " + dir,
                dir.resolve("foxml_training_events.jsonl").toString());
    }

    @Test
    void aRelativeFilePathIsRejected() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(FILE_ENV, "logs/events.jsonl")));
        assertMentions(e, FILE_ENV, "relative path 'logs/events.jsonl'", "must be absolute");
    }

    @Test
    void aRelativeFilePathFromTheBuilderNamesTheBuilderMethod() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of()).filePath(Path.of("events.jsonl")));
        assertMentions(e, "filePath(...)", "must be absolute");
    }

    @Test
    void theSameSocketAndFilePathIsRejected() {
        String same = dir.resolve("events").toString();
        IllegalArgumentException e = rejected(withEnvironment(Map.of(SOCKET_ENV, same, FILE_ENV, same)));
        assertMentions(e, "both " + same, "own path", FILE_ENV);
    }

    // ---- unusable values ----

    @Test
    void emptyOrBlankPathVariablesAreRejectedWithTheDefaultAsTheAlternative() {
        for (String blank : List.of("", "   ", "\t")) {
            IllegalArgumentException socket = rejected(withEnvironment(Map.of(SOCKET_ENV, blank)));
            assertMentions(socket, SOCKET_ENV, "is empty", "unset it", TrainingEventEmitterBuilder.DEFAULT_SOCKET);
            IllegalArgumentException file = rejected(withEnvironment(Map.of(FILE_ENV, blank)));
            assertMentions(file, FILE_ENV, "is empty", "unset it", TrainingEventEmitterBuilder.DEFAULT_FILE);
        }
    }

    @Test
    void aPathWithANulCharacterIsRejected() {
        UnaryOperator<String> props = name -> name.equals(TrainingEventEmitterBuilder.FILE_PROPERTY)
                ? "/tmp/events\u0000.jsonl" : null;
        IllegalArgumentException e = rejected(withEnvironment(Map.of()).properties(props));
        assertMentions(e, TrainingEventEmitterBuilder.FILE_PROPERTY, "not a usable path", "absolute path");
    }

    @Test
    void aBogusModeIsRejectedListingTheModes() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(MODE_ENV, "fast")));
        assertMentions(e, "environment variable " + MODE_ENV, "'fast'", "async, sync, journal, sync-journal");
    }

    @Test
    void anEmptyModeIsRejectedSayingSo() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(MODE_ENV, " ")));
        assertMentions(e, MODE_ENV, "is empty", "async, sync, journal, sync-journal", "unset it");
    }

    @Test
    void everyModeIsAcceptedInAnyCaseWithSurroundingSpace() {
        for (String mode : List.of("async", " SYNC ", "Journal", "sync-journal")) {
            assertDoesNotThrow(() -> withEnvironment(Map.of(MODE_ENV, mode)).config(), mode);
        }
    }

    @Test
    void unsetVariablesGiveTheSeedsDefaults() {
        EmitterConfig config = withEnvironment(Map.of()).config();
        assertEquals(Path.of(TrainingEventEmitterBuilder.DEFAULT_SOCKET), config.socketPath());
        assertEquals(Path.of(TrainingEventEmitterBuilder.DEFAULT_FILE), config.filePath());
    }

    // ---- builder settings ----

    @Test
    void outOfRangeBuilderSettingsNameTheSettingAndTheRange() {
        assertMentions(rejected(withEnvironment(Map.of()).queueCapacity(0)), "queueCapacity is 0", "use");
        assertMentions(rejected(withEnvironment(Map.of()).maxEmitBlock(Duration.ofMillis(51))),
                "maxEmitBlock", "at most 50 ms");
        assertMentions(rejected(withEnvironment(Map.of()).maxStringChars(10)), "maxStringChars is 10", "from 64");
        assertMentions(rejected(withEnvironment(Map.of()).reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))),
                "reconnectBackoff", "shorter than first");
        assertMentions(rejected(withEnvironment(Map.of()).writeTimeout(Duration.ZERO)), "writeTimeout", "positive");
    }

    @Test
    void aNullRunIdIsRejectedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DefaultTrainingEventEmitter.builder(null).config());
        assertMentions(e, "run id is null");
    }

    // ---- through the facade, with a real environment variable ----

    @Test
    void trainingEventsInitThrowsTheMessageForATooLongSocketVariableInAChildJvm() throws Exception {
        String tooLong = "/tmp/" + "x".repeat(120) + ".sock";
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                HostileChild.class.getName(), "init-from-environment"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(name -> name.startsWith("FOXML_"));
        pb.environment().put(SOCKET_ENV, tooLong);
        pb.redirectError(dir.resolve("child.err").toFile());
        Process p = pb.start();
        String out;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = reader.readLine();
        }
        assertTrue(p.waitFor(30, SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), () -> "child stderr: " + readQuietly(dir.resolve("child.err")));
        assertTrue(out != null && out.startsWith("IllegalArgumentException: "), "init threw: " + out);
        assertTrue(out.contains("environment variable " + SOCKET_ENV), out);
        assertTrue(out.contains(tooLong.length() + " bytes long"), out);
        assertTrue(out.contains("at most 107"), out);
        assertFalse(Files.exists(Path.of(tooLong)), "nothing was created");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
