package dev.foxml.training.events.core;

import dev.foxml.training.events.EmitterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings that used to be accepted and then failed without a word (a heartbeat thread dying, a
 * socket path ending in a newline never connecting, every event dropped into a directory that
 * does not exist) are refused when the emitter is built, with a message naming the setting and
 * showing the value quoted, or, where some events can still be delivered, warned about once.
 */
class SettingsAcceptedThenFailingTest {
    private static final String SOCKET_ENV = TrainingEventEmitterBuilder.SOCKET_ENV;
    private static final String FILE_ENV = TrainingEventEmitterBuilder.FILE_ENV;
    private static final String HEARTBEAT_ENV = TrainingEventEmitterBuilder.HEARTBEAT_ENV;

    @TempDir
    Path dir;

    private TrainingEventEmitterBuilder withEnvironment(Map<String, String> env) {
        return DefaultTrainingEventEmitter.builder("run-s")
                .environment(env::get)
                .properties(name -> null)
                .socketPath(dir.resolve("bridge.sock"))
                .filePath(dir.resolve("events.jsonl"))
                .shutdownHook(false);
    }

    /** A builder whose paths come from the environment only. */
    private static TrainingEventEmitterBuilder pathsFromEnvironment(Map<String, String> env) {
        return DefaultTrainingEventEmitter.builder("run-s")
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

    // ---- the heartbeat ----

    @Test
    void aHeartbeatThatIsNotAFiniteNumberOfSecondsIsRefusedWithTheRange() {
        for (String value : List.of("Infinity", "-Infinity", "NaN", "1e400")) {
            IllegalArgumentException e = rejected(withEnvironment(Map.of(HEARTBEAT_ENV, value)));
            assertMentions(e, "environment variable " + HEARTBEAT_ENV, "\"" + value + "\"", "86400");
            System.out.println("heartbeat " + value + " -> " + e.getMessage());
        }
        assertMentions(rejected(withEnvironment(Map.of(HEARTBEAT_ENV, "Infinity"))), "not a finite number");
    }

    @Test
    void aHeartbeatOverTwentyFourHoursIsRefusedAndTwentyFourHoursIsAccepted() {
        IllegalArgumentException e = rejected(withEnvironment(Map.of(HEARTBEAT_ENV, "86401")));
        assertMentions(e, HEARTBEAT_ENV, "\"86401\"", "more than 24 hours", "86400");
        // 300 years: Duration.toNanos() overflows past ~292 years, which used to kill the thread.
        IllegalArgumentException years = rejected(withEnvironment(Map.of()).heartbeat(Duration.ofDays(300L * 365)));
        assertMentions(years, "heartbeat(...)", "at most 24 hours");
        assertEquals(TrainingEventEmitterBuilder.MAX_HEARTBEAT,
                assertDoesNotThrow(() -> withEnvironment(Map.of(HEARTBEAT_ENV, "86400")).config()).heartbeatInterval());
        assertEquals(TrainingEventEmitterBuilder.MAX_HEARTBEAT, assertDoesNotThrow(
                () -> withEnvironment(Map.of()).heartbeat(Duration.ofHours(24)).config()).heartbeatInterval());
    }

    @Test
    void theLongestHeartbeatRunsAndStopsWithoutAnErrorOnStderr() {
        try (StderrCapture err = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = withEnvironment(Map.of()).heartbeat(TrainingEventEmitterBuilder.MAX_HEARTBEAT)
                    .build()) {
                e.emitProgress("training", 10.0);
                assertTrue(e.flush());
            }
            assertFalse(err.text().contains("Exception"), err.text());
        }
    }

    // ---- whitespace and control characters in paths ----

    @Test
    void aSocketPathEndingInANewlineIsRefusedShowingTheNewline() {
        String clean = dir.resolve("bridge.sock").toString();
        IllegalArgumentException e = rejected(pathsFromEnvironment(Map.of(SOCKET_ENV, clean + "\n")));
        assertMentions(e, "environment variable " + SOCKET_ENV, "\"" + clean + "\\n\"", "ends with a newline",
                "set it to \"" + clean + "\"");
        assertFalse(e.getMessage().contains("\n"), "the newline is shown escaped, not raw: " + e.getMessage());
        System.out.println(e.getMessage());
    }

    @Test
    void aFilePathWithATrailingSpaceFromASystemPropertyIsRefused() {
        String clean = dir.resolve("events.jsonl").toString();
        UnaryOperator<String> props = name -> name.equals(TrainingEventEmitterBuilder.FILE_PROPERTY) ? clean + " " : null;
        IllegalArgumentException e = rejected(pathsFromEnvironment(Map.of()).properties(props));
        assertMentions(e, "system property " + TrainingEventEmitterBuilder.FILE_PROPERTY, "\"" + clean + " \"",
                "ends with a space", "set it to \"" + clean + "\"");
    }

    @Test
    void aLeadingSpaceSuggestsThePathWithoutIt() {
        String clean = dir.resolve("bridge.sock").toString();
        IllegalArgumentException e = rejected(pathsFromEnvironment(Map.of()).socketPath(Path.of(" " + clean)));
        assertMentions(e, "socketPath(...)", "\" " + clean + "\"", "begins with a space", "set it to \"" + clean + "\"");
        assertFalse(e.getMessage().contains("relative"), "not taken for a relative path: " + e.getMessage());
        IllegalArgumentException env = rejected(pathsFromEnvironment(Map.of(FILE_ENV, "\t" + clean + "\r\n")));
        assertMentions(env, FILE_ENV, "\"\\t" + clean + "\\r\\n\"", "begins with a tab", "ends with a newline");
        System.out.println(e.getMessage());
    }

    @Test
    void aControlCharacterInsideAPathIsRefusedAndShownEscaped() {
        String withBell = dir.resolve("ev\u0007ents.jsonl").toString();
        IllegalArgumentException e = rejected(pathsFromEnvironment(Map.of()).filePath(Path.of(withBell)));
        assertMentions(e, "filePath(...)", "\\u0007", "control characters");
        assertFalse(e.getMessage().contains("\u0007"), e.getMessage());
        IllegalArgumentException c1 = rejected(pathsFromEnvironment(Map.of(SOCKET_ENV, "/tmp/a\u009bb.sock")));
        assertMentions(c1, SOCKET_ENV, "\"/tmp/a\\u009bb.sock\"");
    }

    // ---- directories that do not exist ----

    @Test
    void neitherDirectoryExistingIsRefusedNamingBoth() {
        Path missingFileDir = dir.resolve("no-such-logs");
        Path missingSocketDir = dir.resolve("no-such-run");
        IllegalArgumentException e = rejected(pathsFromEnvironment(Map.of(
                FILE_ENV, missingFileDir.resolve("events.jsonl").toString(),
                SOCKET_ENV, missingSocketDir.resolve("bridge.sock").toString())));
        assertMentions(e, missingFileDir + " of the event file", FILE_ENV, missingSocketDir.toString(), SOCKET_ENV,
                "does not exist", "create the directory");
        Path oneMissing = dir.resolve("gone");
        IllegalArgumentException same = rejected(pathsFromEnvironment(Map.of()).filePath(oneMissing.resolve("e.jsonl"))
                .socketPath(oneMissing.resolve("b.sock")));
        assertMentions(same, "the directory " + oneMissing + " of both the event file (filePath(...))",
                "socket (socketPath(...))");
        assertFalse(Files.exists(oneMissing), "nothing was created");
        System.out.println(e.getMessage());
    }

    @Test
    void aMissingFileDirectoryWithAUsableSocketDirectoryIsWarnedAboutOnceAndEachLossNamesItsCause() {
        Path missing = dir.resolve("no-such-logs");
        Path file = missing.resolve("events.jsonl");
        String text;
        EmitterStats stats;
        try (StderrCapture err = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = withEnvironment(Map.of()).filePath(file).synchronous(true)
                    .warningInterval(Duration.ZERO).build()) {
                for (int i = 0; i < 5; i++) {
                    e.emitProgress("training", i);
                }
                stats = e.stats();
            }
            text = err.text();
        }
        assertEquals(5 + 1, stats.droppedUnwritable(), "run_start and 5 events: nothing listens, no file: " + stats);
        List<String> about = text.lines().filter(l -> l.contains("the directory " + missing + " of the event file"))
                .toList();
        assertEquals(1, about.size(), text);
        assertTrue(about.get(0).contains("does not exist"), about.get(0));
        List<String> losses = text.lines().filter(l -> l.contains("cannot append training events to " + file)).toList();
        assertFalse(losses.isEmpty(), text);
        for (String loss : losses) {
            assertTrue(loss.contains("(NoSuchFileException: " + file + ")"), "the cause, not only the path: " + loss);
        }
        System.out.println(about.get(0));
        System.out.println(losses.get(0));
    }
}
