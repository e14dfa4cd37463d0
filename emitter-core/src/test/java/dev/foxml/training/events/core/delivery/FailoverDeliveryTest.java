package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.StderrCapture;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failover on its own, between two in-memory transports that fail on command: where each
 * line goes, what is counted, what is said, and the delivering thread's interrupt flag.
 */
class FailoverDeliveryTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final InMemoryTransport primary = new InMemoryTransport("primary");
    private final InMemoryTransport fallback = new InMemoryTransport("fallback");
    private final Counters counters = new Counters();
    private int nextSeq = 1;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private FailoverDelivery failover(boolean journal, long backoffNanos) {
        return failover(journal, backoffNanos, SECOND);
    }

    private FailoverDelivery failover(boolean journal, long backoffNanos, long interruptRetryNanos) {
        return new FailoverDelivery(primary, fallback, journal, backoffNanos, 2 * backoffNanos, interruptRetryNanos,
                counters, new RateLimitedLog(0, LogOutput.DELIVERY));
    }

    /** A batch of the next {@code n} lines, {"seq":N}. */
    private BatchBuffer batch(int n) {
        BatchBuffer batch = new BatchBuffer(64);
        for (int i = 0; i < n; i++) {
            byte[] line = line(nextSeq++).getBytes(StandardCharsets.UTF_8);
            batch.write(line, 0, line.length);
            batch.write('\n');
            batch.lineEnded();
        }
        return batch;
    }

    private static String line(int seq) {
        return "{\"seq\":" + seq + "}";
    }

    private static List<String> lines(int from, int to) {
        List<String> lines = new ArrayList<>();
        IntStream.rangeClosed(from, to).forEach(seq -> lines.add(line(seq)));
        return lines;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    @Test
    void aPrimaryThatTakesEveryBatchGetsAllLinesAndTheFallbackNone() {
        FailoverDelivery d = failover(false, HOUR);
        d.deliver(batch(3));
        d.deliver(batch(2));
        assertEquals(lines(1, 5), primary.lines);
        assertEquals(List.of(), fallback.lines);
        assertEquals(1, primary.opens);
        assertTrue(d.primaryOpen());
        assertEquals(5, counters.writtenToSocket.get());
        assertEquals(0, counters.writtenToFile.get() + counters.droppedUnwritable.get() + counters.replayed.get()
                + counters.socketErrors.get());
    }

    @Test
    void aPrimaryThatFailsMidBatchSendsItsUnconfirmedLinesAndTheWholeBatchToTheFallback() throws Exception {
        FailoverDelivery d = failover(false, HOUR);
        primary.keepsUnconfirmed = true;
        d.deliver(batch(3));
        primary.writeFailure = new IOException("the reader of primary died");
        primary.bytesBeforeFailure = line(4).length() + 1 + 3; // line 4 whole, and 3 bytes of line 5
        List<String> said;
        try (StderrCapture err = new StderrCapture()) {
            d.deliver(batch(3));
            said = err.text().lines().toList();
        }
        assertEquals(lines(1, 4), primary.lines, "the primary took line 4 and part of line 5");
        assertEquals(lines(1, 6), fallback.lines, "the unconfirmed lines, then the whole batch, each line once");
        assertFalse(d.primaryOpen());
        assertEquals(3, counters.writtenToSocket.get());
        assertEquals(6, counters.writtenToFile.get());
        assertEquals(3, counters.replayed.get(), "the unconfirmed lines count as replayed");
        assertEquals(0, counters.droppedUnwritable.get());
        assertEquals(1, counters.socketErrors.get());
        assertTrue(said.stream().anyMatch(l -> l.contains("WARN") && l.endsWith(
                "the reader of primary died; events go to the memory fallback until it is back")), said::toString);
    }

    @Test
    void aFailedPrimaryIsNotTriedAgainBeforeItsBackoff() {
        FailoverDelivery d = failover(false, HOUR);
        primary.openFailure = new IOException("cannot open the memory primary (refused)");
        d.deliver(batch(2));
        d.maintain(System.nanoTime());
        d.deliver(batch(2));
        assertEquals(1, primary.opens, "one attempt, then the backoff");
        assertEquals(lines(1, 4), fallback.lines);
        assertEquals(1, counters.socketErrors.get());
    }

    @Test
    void aPrimaryThatIsBackAfterItsBackoffTakesTheEventsAgain() {
        FailoverDelivery d = failover(false, TimeUnit.MILLISECONDS.toNanos(1));
        d.deliver(batch(1));
        primary.writeFailure = new IOException("gone");
        d.deliver(batch(1));
        assertFalse(d.primaryOpen());
        primary.writeFailure = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!d.primaryOpen() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000L);
            d.maintain(System.nanoTime());
        }
        assertTrue(d.primaryOpen(), "reopened by the idle writer's maintenance");
        d.deliver(batch(1));
        assertEquals(List.of(line(1), line(3)), primary.lines);
        assertEquals(List.of(line(2)), fallback.lines);
        assertEquals(1, counters.reconnects.get());
        assertEquals(2, counters.writtenToSocket.get());
    }

    @Test
    void anAbsentPrimaryCostsNoAttemptNoErrorAndIsLookedForSoon() {
        FailoverDelivery d = failover(false, TimeUnit.MILLISECONDS.toNanos(1));
        primary.absent = true;
        List<String> said;
        try (StderrCapture err = new StderrCapture()) {
            d.deliver(batch(2));
            primary.absent = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!d.primaryOpen() && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000L);
                d.maintain(System.nanoTime());
            }
            said = err.text().lines().filter(l -> l.contains(LogOutput.DELIVERY)).toList();
        }
        assertEquals(0, counters.socketErrors.get());
        assertEquals(lines(1, 2), fallback.lines);
        assertEquals(2, said.size(), said::toString);
        assertTrue(said.get(0).endsWith("the memory primary is not available; events go to the memory fallback"),
                said::toString);
        assertTrue(said.get(1).endsWith("the memory primary is back: events go to it, no longer to the memory fallback"),
                said::toString);
    }

    @Test
    void journalModeWritesEveryBatchToBothAndReplaysNothing() {
        FailoverDelivery d = failover(true, HOUR);
        primary.keepsUnconfirmed = true;
        d.deliver(batch(2));
        primary.writeFailure = new IOException("gone");
        primary.bytesBeforeFailure = line(3).length() + 1;
        d.deliver(batch(2));
        d.deliver(batch(1));
        assertEquals(lines(1, 5), fallback.lines, "every line once");
        assertEquals(lines(1, 3), primary.lines);
        assertEquals(5, counters.writtenToFile.get());
        assertEquals(2, counters.writtenToSocket.get());
        assertEquals(0, counters.replayed.get());
        assertEquals(0, counters.droppedUnwritable.get());
    }

    @Test
    void aFallbackOnAFullDiskCountsExactlyTheLinesLostAndSaysSoWhenItHasRoomAgain() {
        FailoverDelivery d = failover(false, HOUR);
        primary.absent = true;
        fallback.writeFailure = new IOException("No space left on device");
        fallback.diskFull = true;
        fallback.bytesBeforeFailure = 2 * (line(1).length() + 1) + 3; // 2 whole lines and part of a third
        List<String> warnings;
        try (StderrCapture err = new StderrCapture()) {
            d.deliver(batch(5));
            assertEquals(2, counters.writtenToFile.get());
            assertEquals(3, counters.droppedUnwritable.get());
            fallback.bytesBeforeFailure = 0;
            d.deliver(batch(2));
            assertEquals(5, counters.droppedUnwritable.get());
            fallback.writeFailure = null;
            d.deliver(batch(1));
            warnings = err.text().lines().filter(l -> l.contains("WARN")).toList();
        }
        assertEquals(List.of(line(1), line(2), line(8)), fallback.lines);
        assertEquals(3, counters.writtenToFile.get());
        assertEquals(5, counters.droppedUnwritable.get());
        assertEquals(2, counters.fileErrors.get());
        assertEquals(2, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("the disk holding fallback is full")
                && warnings.get(0).contains("3 training events of 5 could not be written"), warnings.get(0));
        assertTrue(warnings.get(1).contains("has room again: 5 training events were lost while it was full"),
                warnings.get(1));
    }

    @Test
    void unconfirmedLinesTheFallbackCannotTakeAreCountedAsDropped() {
        FailoverDelivery d = failover(false, HOUR);
        primary.keepsUnconfirmed = true;
        d.deliver(batch(3));
        primary.writeFailure = new IOException("gone");
        fallback.writeFailure = new IOException("read-only file system");
        d.deliver(batch(2));
        assertEquals(3, counters.writtenToSocket.get());
        assertEquals(3, counters.replayed.get());
        assertEquals(5, counters.droppedUnwritable.get(), "3 unconfirmed and the batch of 2");
        assertEquals(0, counters.writtenToFile.get());
        assertEquals(2, counters.fileErrors.get());
    }

    @Test
    void anIdlePrimaryThatFailsHandsItsUnconfirmedLinesToTheFallbackAtOnce() {
        FailoverDelivery d = failover(false, HOUR);
        primary.keepsUnconfirmed = true;
        d.deliver(batch(2));
        primary.healthFailure = new IOException("the reader closed the memory primary");
        d.maintain(System.nanoTime());
        assertFalse(d.primaryOpen());
        assertEquals(lines(1, 2), fallback.lines);
        assertEquals(2, counters.replayed.get());
        assertEquals(1, counters.socketErrors.get());
    }

    @Test
    void aBugInThePrimaryCostsNoLine() {
        FailoverDelivery d = failover(false, HOUR);
        primary.writeBug = new IllegalStateException("a transport's bug");
        d.deliver(batch(2));
        assertEquals(lines(1, 2), fallback.lines);
        assertEquals(0, counters.droppedUnwritable.get());
        assertEquals(1, counters.socketErrors.get());
    }

    @Test
    void linesLostInADeletedFallbackMoveFromWrittenToDropped() {
        FailoverDelivery d = failover(false, HOUR);
        primary.absent = true;
        d.deliver(batch(3));
        fallback.loseLines(2);
        assertEquals(1, counters.writtenToFile.get());
        assertEquals(2, counters.droppedUnwritable.get());
        fallback.loseLines(10);
        assertEquals(0, counters.writtenToFile.get(), "never more than were counted as written");
        assertEquals(3, counters.droppedUnwritable.get());
    }

    @Test
    void theInterruptFlagIsClearedForTheTransportsAndSetAgainOnReturn() {
        FailoverDelivery d = failover(true, HOUR);
        Thread.currentThread().interrupt();
        d.deliver(batch(2));
        assertTrue(Thread.interrupted(), "set again on return");
        assertFalse(primary.sawInterruptFlag || fallback.sawInterruptFlag, "cleared while the transports wrote");
        d.deliver(batch(1));
        assertFalse(Thread.interrupted(), "not set when it was not set");
        assertEquals(lines(1, 3), primary.lines);
    }

    @Test
    void anInterruptATransportClearedWhileWaitingIsSetAgainOnReturn() {
        FailoverDelivery d = failover(false, HOUR);
        primary.clearedInterrupt = true;
        d.deliver(batch(1));
        assertTrue(Thread.interrupted());
    }

    @Test
    void aWriteCutShortByAnInterruptGoesAgainWholeOnANewConnectionAtOnce() {
        FailoverDelivery d = failover(false, HOUR);
        primary.interruptedWrites = 1;
        primary.bytesBeforeFailure = line(1).length() + 1 + 2; // line 1 whole, part of line 2
        d.deliver(batch(3));
        assertEquals(concat(lines(1, 1), lines(1, 3)), primary.lines, "line 1 may have arrived twice, same seq");
        assertEquals(2, primary.opens, "reopened without backoff");
        assertEquals(1, counters.replayed.get(), "the line the cut-off write may have delivered");
        assertEquals(3, counters.writtenToSocket.get());
        assertEquals(List.of(), fallback.lines);
        assertEquals(0, counters.socketErrors.get());
        assertTrue(Thread.interrupted(), "the interrupt is the caller's again");
    }

    @Test
    void aThreadInterruptedForLongerThanTheRetryTimeFallsBackToTheFallback() {
        FailoverDelivery d = failover(false, HOUR, 0);
        primary.interruptedWrites = Integer.MAX_VALUE;
        d.deliver(batch(2));
        assertEquals(lines(1, 2), fallback.lines);
        assertEquals(1, counters.socketErrors.get());
        assertEquals(0, counters.droppedUnwritable.get());
        assertTrue(Thread.interrupted());
    }

    @Test
    void aPrimaryThatCannotVouchForLinesAtCloseHandsThemToTheFallbackBeforeItCloses() {
        FailoverDelivery d = failover(false, HOUR);
        primary.keepsUnconfirmed = true;
        primary.unconfirmedAtClose = true;
        d.deliver(batch(2));
        d.close();
        assertEquals(lines(1, 2), fallback.lines);
        assertEquals(2, counters.replayed.get());
        assertEquals(0, fallback.writesAfterClose, "written before the fallback closed");
        assertEquals(1, fallback.closes);
    }

    @Test
    void aSocketLikePrimaryLeavesNothingToTheFallbackAtClose() {
        FailoverDelivery d = failover(false, HOUR);
        primary.keepsUnconfirmed = true;
        d.deliver(batch(2));
        d.close();
        assertEquals(List.of(), fallback.lines, "a clean close of the socket replays nothing");
        assertEquals(0, counters.replayed.get());
    }
}
