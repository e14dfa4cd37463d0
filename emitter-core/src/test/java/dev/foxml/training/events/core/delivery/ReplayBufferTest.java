package dev.foxml.training.events.core.delivery;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The replay of recently sent lines: what it hands back after a failure, whole lines only. */
class ReplayBufferTest {
    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void record(ReplayBuffer replay, String text) {
        ByteBuffer batch = bytes(text);
        replay.record(batch, 0, batch.limit());
        assertEquals(0, batch.position(), "the batch is not moved");
    }

    private static List<String> drain(ReplayBuffer replay, int expectedLines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(expectedLines, replay.drainTo(out));
        String text = out.toString(StandardCharsets.US_ASCII);
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).subList(0, expectedLines);
    }

    @Test
    void handsBackWhatWasRecordedOldestFirstThenNothing() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(64);
        record(replay, "a1\nb2\n");
        record(replay, "c3\n");
        assertEquals(List.of("a1", "b2", "c3"), drain(replay, 3));
        assertEquals(List.of(), drain(replay, 0), "forgotten once drained");
    }

    @Test
    void wrapsAroundAndLeavesOutTheLineWhoseStartWasOverwritten() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(16);
        record(replay, "line-1\nline-2\n"); // 14 bytes
        record(replay, "line-3\n");         // 21 in all: wraps; the ring keeps "1\nline-2\nline-3\n"
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, replay.drainTo(out));
        assertEquals("line-2\nline-3\n", out.toString(StandardCharsets.US_ASCII), "only whole lines");
    }

    @Test
    void keepsTheMostRecentCapacityBytesOfABatchLargerThanItself() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(10);
        record(replay, "aaaa\nbbbb\ncccc\n"); // 15 bytes: the ring keeps the last 10, "bbbb\ncccc\n"
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, replay.drainTo(out), "the tail starts on a line: both are whole");
        assertEquals("bbbb\ncccc\n", out.toString(StandardCharsets.US_ASCII));
        record(replay, "aaaa\nbbbbbbb\ncc\n"); // the last 10, "bbbbbb\ncc\n", start mid-line
        assertEquals(List.of("cc"), drain(replay, 1));
        assertEquals(10, replay.capacity());
    }

    @Test
    void aBufferExactlyFullOfWholeLinesHandsThemAllBack() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(10);
        record(replay, "aaaa\n");
        record(replay, "bbbb\n");
        assertEquals(List.of("aaaa", "bbbb"), drain(replay, 2));
    }

    @Test
    void linesThatWrapAcrossTheEndOfTheRingComeBackWhole() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(12);
        record(replay, "aaaa\nbbbb\n"); // 10 bytes
        record(replay, "cccc\n");       // wraps: bytes 10-11 then 0-2
        assertEquals(List.of("bbbb", "cccc"), drain(replay, 2), "aaaa's start was overwritten");
        record(replay, "dd\n");
        assertEquals(List.of("dd"), drain(replay, 1), "a fresh start after draining");
    }

    @Test
    void aRingHoldingNoWholeLineHandsBackNothing() throws Exception {
        ReplayBuffer replay = new ReplayBuffer(4);
        record(replay, "abcdefgh\n"); // one line longer than the ring: its tail "fgh\n" is no line
        assertEquals(List.of(), drain(replay, 0));
        record(replay, "ab\n");
        record(replay, "cd\n");        // 6 bytes after a reset: wraps, "ab"'s start overwritten
        assertEquals(List.of("cd"), drain(replay, 1));
    }
}
