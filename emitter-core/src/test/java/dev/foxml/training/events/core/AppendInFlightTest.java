package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.FileTransport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process that opens the shared file while another one's append is under way. A reader sees
 * such an append arrive page by page, so the file seems to end in a partial line; taking that
 * for a torn line and starting the next batch with a newline leaves an empty line once the
 * append completes. A writer descheduled mid-write on a busy machine makes the window
 * milliseconds long; one large write makes it as long here, every time.
 */
class AppendInFlightTest {
    private static final int BIG_BATCH_BYTES = 48 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void openingWhileAnotherAppendIsUnderWayAddsNoEmptyLine() throws Exception {
        Path file = dir.resolve("events.jsonl");
        byte[] line = ("{\"writer\":\"big\",\"pad\":\"" + "x".repeat(180) + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer big = ByteBuffer.allocateDirect(BIG_BATCH_BYTES / line.length * line.length);
        while (big.remaining() >= line.length) {
            big.put(line);
        }
        int rounds = 2;
        int seenInFlight = 0;
        for (int round = 0; round < rounds; round++) {
            FileTransport first = new FileTransport(file);
            first.append(ByteBuffer.wrap(line)); // the file exists and ends in a whole line
            big.flip();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread appender = new Thread(() -> {
                try {
                    first.append(big);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "big-append");
            long sizeBefore = Files.size(file);
            appender.start();
            // Join while the big write is arriving: its bytes are visible, its end is not yet.
            assertTrue(LineServer.poll(() -> file.toFile().length() > sizeBefore, 30, TimeUnit.SECONDS));
            boolean inFlight = appender.isAlive();
            FileTransport joining = new FileTransport(file);
            joining.append(ByteBuffer.wrap(("{\"writer\":\"joining\",\"round\":" + round + "}\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            joining.close();
            appender.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(appender.isAlive());
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            first.close();
            if (inFlight) {
                seenInFlight++;
            }
        }
        // Checked byte by byte: the file holds over a million lines.
        byte[] bytes = Files.readAllBytes(file);
        String joiningPrefix = "{\"writer\":\"joining\"";
        int empty = 0;
        int joined = 0;
        int lineCount = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            assertTrue(end < bytes.length, "the file ends in a whole line");
            int length = end + 1 - start;
            lineCount++;
            if (length == 1) {
                empty++;
            } else if (!java.util.Arrays.equals(bytes, start, end + 1, line, 0, line.length)) {
                String other = new String(bytes, start, length, StandardCharsets.US_ASCII);
                assertTrue(other.startsWith(joiningPrefix), () -> "a whole line of either writer: " + other);
                EventFiles.parse(other);
                joined++;
            }
            start = end + 1;
        }
        int lines = lineCount;
        System.out.println("append in flight: " + seenInFlight + " of " + rounds + " joins while a "
                + big.limit() / (1024 * 1024) + " MiB append was under way; " + empty + " empty lines, "
                + lines + " lines");
        assertTrue(seenInFlight > 0, "the joining transport opened while an append was under way");
        assertEquals(rounds, joined, "the joining transport's lines are there, whole");
        assertEquals(0, empty, "no empty line");
    }
}
