package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives {@link FileFollower#pollOnce()} directly: no background thread, no waiting. */
class FileFollowerTest {

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();

    private FileFollower follower(Path file, boolean fromEnd) {
        return new FileFollower(file, fromEnd, input -> lines.add(((MonitorInput.Line) input).text()), Clock.systemUTC());
    }

    @Test
    void waitsForTheFileAndThenReadsOnlyCompleteNewLines() throws IOException {
        Path file = dir.resolve("events.jsonl");
        FileFollower follower = follower(file, false);
        follower.pollOnce();
        assertEquals(List.of(), lines);

        append(file, "one\ntw");
        follower.pollOnce();
        assertEquals(List.of("one"), lines);

        append(file, "o\nthree\n");
        follower.pollOnce();
        follower.pollOnce();
        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void startsOverWhenTheFileIsTruncated() throws IOException {
        Path file = dir.resolve("events.jsonl");
        append(file, "first run line 1\nfirst run line 2\n");
        FileFollower follower = follower(file, false);
        follower.pollOnce();

        Files.writeString(file, "second\n", StandardOpenOption.TRUNCATE_EXISTING);
        follower.pollOnce();
        assertEquals(List.of("first run line 1", "first run line 2", "second"), lines);
    }

    @Test
    void startsOverWhenTheFileIsReplacedEvenByALongerOne() throws IOException {
        Path file = dir.resolve("events.jsonl");
        append(file, "a\n");
        FileFollower follower = follower(file, false);
        follower.pollOnce();

        Path replacement = dir.resolve("new.jsonl");
        append(replacement, "b1\nb2\nb3\n");
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        follower.pollOnce();
        assertEquals(List.of("a", "b1", "b2", "b3"), lines);
    }

    @Test
    void fromEndSkipsWhatTheFileAlreadyHeld() throws IOException {
        Path file = dir.resolve("events.jsonl");
        append(file, "old\n");
        FileFollower follower = follower(file, true);
        follower.pollOnce();
        append(file, "new\n");
        follower.pollOnce();
        assertEquals(List.of("new"), lines);
    }

    @Test
    void readsAFileThatComesBackAfterBeingDeletedFromItsStart() throws IOException {
        Path file = dir.resolve("events.jsonl");
        append(file, "x\n");
        FileFollower follower = follower(file, true);
        follower.pollOnce();
        Files.delete(file);
        follower.pollOnce();
        append(file, "y\n");
        follower.pollOnce();
        assertEquals(List.of("y"), lines);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
