package dev.foxml.training.events.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.foxml.training.events.kafka.DeliveredSeqs.Verdict.DUPLICATE;
import static dev.foxml.training.events.kafka.DeliveredSeqs.Verdict.LATE;
import static dev.foxml.training.events.kafka.DeliveredSeqs.Verdict.NEW;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The relay's memory of what it delivered: duplicates, gaps, the bound, and the state file. */
class DeliveredSeqsTest {
    @TempDir
    Path dir;

    @Test
    void aSeqAlreadyDeliveredIsADuplicateAndAGapFilledLateIsDeliveredOnce() throws Exception {
        DeliveredSeqs seqs = new DeliveredSeqs(100, null);
        assertEquals(NEW, seqs.offer("a", 1));
        assertEquals(NEW, seqs.offer("a", 2));
        assertEquals(DUPLICATE, seqs.offer("a", 2));
        assertEquals(DUPLICATE, seqs.offer("a", 1));
        assertEquals(NEW, seqs.offer("a", 6), "a jump: 3-5 become a gap");
        assertEquals(LATE, seqs.offer("a", 4));
        assertEquals(DUPLICATE, seqs.offer("a", 4));
        assertEquals(LATE, seqs.offer("a", 3));
        assertEquals(LATE, seqs.offer("a", 5));
        assertEquals(DUPLICATE, seqs.offer("a", 5));
        assertEquals(NEW, seqs.offer("b", 1), "emitters are apart");
        seqs.commit();
    }

    @Test
    void aRolledBackBatchIsForgottenAsIfNeverSeen() throws Exception {
        DeliveredSeqs seqs = new DeliveredSeqs(100, null);
        seqs.offer("a", 1);
        seqs.commit();
        assertEquals(NEW, seqs.offer("a", 2));
        assertEquals(NEW, seqs.offer("new", 1));
        seqs.rollback();
        assertEquals(NEW, seqs.offer("a", 2));
        assertEquals(NEW, seqs.offer("new", 1));
        assertEquals(DUPLICATE, seqs.offer("a", 1));
    }

    @Test
    void theLeastRecentlySeenEmitterIsForgottenBeyondTheBound() throws Exception {
        DeliveredSeqs seqs = new DeliveredSeqs(2, null);
        seqs.offer("a", 1);
        seqs.offer("b", 1);
        seqs.offer("a", 2);
        seqs.offer("c", 1);
        seqs.commit();
        assertEquals(2, seqs.emitters());
        assertEquals(1, seqs.forgotten());
        assertEquals(DUPLICATE, seqs.offer("a", 2), "a was seen more recently than b");
        assertEquals(NEW, seqs.offer("b", 1), "b was forgotten: its line is taken again");
    }

    @Test
    void theStateFileBringsTheStateBackAfterARestartAndATornLastLineIsIgnored() throws Exception {
        Path state = dir.resolve("events.jsonl.relay-state");
        DeliveredSeqs first = new DeliveredSeqs(100, state);
        first.load();
        for (int seq = 1; seq <= 10; seq++) {
            first.offer("a", seq);
        }
        first.offer("a", 15);
        first.offer("b", 3);
        first.commit();
        first.offer("a", 16);
        first.commit();
        first.close();
        // Killed while appending: half an entry that would lower a's seq if it were read.
        Files.write(state, "a 1".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

        DeliveredSeqs second = new DeliveredSeqs(100, state);
        assertEquals(2, second.load());
        assertEquals(DUPLICATE, second.offer("a", 16));
        assertEquals(DUPLICATE, second.offer("a", 10));
        assertEquals(LATE, second.offer("a", 12), "the gap 11-14 survived the restart");
        assertEquals(DUPLICATE, second.offer("b", 3));
        assertEquals(NEW, second.offer("a", 17));
        second.commit();
        second.close();

        DeliveredSeqs third = new DeliveredSeqs(100, state);
        third.load();
        assertEquals(DUPLICATE, third.offer("a", 17), "an entry appended after a torn line is read");
        assertEquals(DUPLICATE, third.offer("a", 12));
        third.close();
    }

    @Test
    void theJournalIsCompactedWhenItOutgrowsTheState() throws Exception {
        Path state = dir.resolve("state");
        DeliveredSeqs seqs = new DeliveredSeqs(100, state);
        for (int seq = 1; seq <= 25_000; seq++) {
            seqs.offer("a", seq);
            seqs.commit();
        }
        seqs.close();
        long lines = Files.readAllLines(state).size();
        assertEquals(true, lines < 11_000, lines + " lines");
        DeliveredSeqs again = new DeliveredSeqs(100, state);
        again.load();
        assertEquals(DUPLICATE, again.offer("a", 25_000));
        assertEquals(NEW, again.offer("a", 25_001));
    }
}
