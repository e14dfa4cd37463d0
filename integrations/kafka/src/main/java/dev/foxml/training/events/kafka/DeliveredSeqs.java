package dev.foxml.training.events.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which lines of each emitter were already delivered, so that a line consumed twice (a relay
 * restarted before its offsets were committed, a producer that retried, a topic replayed) is
 * shown once.
 *
 * <p>Per emitter: the highest {@code seq} delivered, and the gaps below it — seqs skipped when a
 * later line arrived first (the trainer sent them elsewhere, or they arrive late). A line whose
 * seq is above the highest is delivered (after a jump, the seqs jumped over become a gap); a line
 * inside a gap is delivered late and leaves the gap; any other line is a duplicate and dropped.
 *
 * <p>Memory is bounded: at most {@code maxEmitters} emitters (the least recently seen is
 * forgotten first: a line of a forgotten emitter is delivered again if it is ever consumed again)
 * and at most {@value #MAX_GAPS} gaps per emitter (a seq of an older gap is then taken as
 * lost, and dropped should it arrive after all).
 *
 * <p>Persistence: the state survives a restart through a journal file (one line per emitter
 * changed by a delivered batch: {@code <emitter_id> <highest>[ <from>-<to> ...]}), appended after
 * the batch was written and before the consumer's offsets are committed, and compacted when it
 * grows to several times the live state. Changes are staged with {@link #offer} and made
 * permanent by {@link #commit} or undone by {@link #rollback} (a batch nobody could take).
 *
 * <p>Not thread-safe: used by the relay's one thread.
 *
 * <p>One class because the de-duplication state, its bound and its persistence must change together
 * to keep the exactly-once promise; splitting them would spread one invariant over several files.
 */
final class DeliveredSeqs {
    /** Gaps kept per emitter. */
    static final int MAX_GAPS = 16;

    private static final class Progress {
        long highest;
        /** Pairs (from, to), inclusive, ascending. */
        long[] gaps = new long[0];

        Progress copy() {
            Progress p = new Progress();
            p.highest = highest;
            p.gaps = gaps.clone();
            return p;
        }
    }

    /** What {@link #offer} decided. */
    enum Verdict {
        /** The next line of its emitter (or after a jump). */
        NEW,
        /** A line that fills a gap. */
        LATE,
        /** Already delivered (or given up as lost): drop it. */
        DUPLICATE
    }

    private final int maxEmitters;
    private final LinkedHashMap<String, Progress> emitters;
    /** Emitters changed since the last commit, with their state before (null: new). */
    private final Map<String, Progress> staged = new HashMap<>();
    private final Path journalPath;
    private FileChannel journal;
    private long journalLines;
    /** The journal ends in a torn line: the next append starts with a newline. */
    private boolean tornTail;
    private long forgotten;

    /**
     * Creates the state.
     *
     * @param maxEmitters how many emitters are remembered at most
     * @param journalPath the state file, or null to keep the state in memory only
     */
    DeliveredSeqs(int maxEmitters, Path journalPath) {
        this.maxEmitters = maxEmitters;
        this.journalPath = journalPath;
        this.emitters = new LinkedHashMap<>(1024, 0.75f, true);
    }

    /**
     * Decides about one line and stages the change.
     *
     * @return whether the line is to be delivered, and why
     */
    Verdict offer(String emitterId, long seq) {
        Progress p = emitters.get(emitterId);
        if (p == null) {
            stage(emitterId, null);
            p = new Progress();
            emitters.put(emitterId, p);
            evictBeyondBound();
        }
        boolean firstChange = !staged.containsKey(emitterId);
        if (seq > p.highest) {
            stage(emitterId, p);
            if (seq > p.highest + 1 && p.highest > 0) {
                addGap(p, p.highest + 1, seq - 1);
            }
            p.highest = seq;
            return Verdict.NEW;
        }
        if (firstChange) {
            stage(emitterId, p);
        }
        if (removeFromGaps(p, seq)) {
            return Verdict.LATE;
        }
        if (firstChange) {
            // Nothing changed: nothing to write to the journal for it.
            staged.remove(emitterId);
        }
        return Verdict.DUPLICATE;
    }

    /**
     * Records a line known to be delivered (found in the event file), without a new gap:
     * for rebuilding the state from the file's tail on start.
     */
    void alreadyDelivered(String emitterId, long seq) {
        Progress p = emitters.get(emitterId);
        if (p == null) {
            p = new Progress();
            emitters.put(emitterId, p);
            evictBeyondBound();
        }
        stage(emitterId, p.highest == 0 ? null : p);
        if (seq > p.highest) {
            p.highest = seq;
            // Lines of one emitter reach the file in seq order: gaps below a later line are closed.
            p.gaps = new long[0];
        } else {
            removeFromGaps(p, seq);
        }
    }

    private void stage(String emitterId, Progress before) {
        if (!staged.containsKey(emitterId)) {
            staged.put(emitterId, before == null ? null : before.copy());
        }
    }

    private void evictBeyondBound() {
        Iterator<Map.Entry<String, Progress>> oldest = emitters.entrySet().iterator();
        while (emitters.size() > maxEmitters && oldest.hasNext()) {
            String id = oldest.next().getKey();
            oldest.remove();
            forgotten++;
            staged.remove(id);
        }
    }

    private static void addGap(Progress p, long from, long to) {
        long[] g = p.gaps;
        int pairs = g.length / 2;
        if (pairs == MAX_GAPS) {
            // The oldest gap is given up: its seqs count as lost.
            long[] shorter = new long[g.length - 2];
            System.arraycopy(g, 2, shorter, 0, shorter.length);
            g = shorter;
        }
        long[] more = new long[g.length + 2];
        System.arraycopy(g, 0, more, 0, g.length);
        more[g.length] = from;
        more[g.length + 1] = to;
        p.gaps = more;
    }

    private static boolean removeFromGaps(Progress p, long seq) {
        long[] g = p.gaps;
        for (int i = 0; i < g.length; i += 2) {
            long from = g[i];
            long to = g[i + 1];
            if (seq < from || seq > to) {
                continue;
            }
            List<Long> rest = new ArrayList<>();
            for (int j = 0; j < g.length; j += 2) {
                if (j != i) {
                    rest.add(g[j]);
                    rest.add(g[j + 1]);
                    continue;
                }
                if (seq > from) {
                    rest.add(from);
                    rest.add(seq - 1);
                }
                if (seq < to) {
                    rest.add(seq + 1);
                    rest.add(to);
                }
            }
            while (rest.size() > 2 * MAX_GAPS) {
                rest.remove(0);
                rest.remove(0);
            }
            long[] now = new long[rest.size()];
            for (int j = 0; j < now.length; j++) {
                now[j] = rest.get(j);
            }
            p.gaps = now;
            return true;
        }
        return false;
    }

    /** Undoes every change since the last commit (the batch was not delivered). */
    void rollback() {
        for (Map.Entry<String, Progress> e : staged.entrySet()) {
            if (e.getValue() == null) {
                emitters.remove(e.getKey());
            } else {
                emitters.put(e.getKey(), e.getValue());
            }
        }
        staged.clear();
    }

    /**
     * Makes the staged changes permanent and appends them to the journal.
     *
     * @throws IOException when the journal cannot be written (the state in memory is kept)
     */
    void commit() throws IOException {
        if (staged.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(staged.size() * 32);
        for (String id : staged.keySet()) {
            Progress p = emitters.get(id);
            if (p != null) {
                appendEntry(text, id, p);
            }
        }
        staged.clear();
        if (journalPath == null || text.length() == 0) {
            return;
        }
        if (journalLines > 4L * emitters.size() + 10_000) {
            compact();
            return;
        }
        if (journal == null) {
            journal = openJournal(journalPath, StandardOpenOption.APPEND);
        }
        if (tornTail) {
            text.insert(0, '\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
        try {
            while (bytes.hasRemaining()) {
                journal.write(bytes);
            }
            tornTail = false;
        } catch (IOException e) {
            closeJournal();
            throw e;
        }
        journalLines += count(text);
    }

    private static long count(CharSequence text) {
        long lines = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private static void appendEntry(StringBuilder text, String id, Progress p) {
        text.append(id).append(' ').append(p.highest);
        for (int i = 0; i < p.gaps.length; i += 2) {
            text.append(' ').append(p.gaps[i]).append('-').append(p.gaps[i + 1]);
        }
        text.append('\n');
    }

    /** Rewrites the journal as the live state only: written beside it, then moved over it. */
    private void compact() throws IOException {
        closeJournal();
        StringBuilder text = new StringBuilder(emitters.size() * 32);
        for (Map.Entry<String, Progress> e : emitters.entrySet()) {
            appendEntry(text, e.getKey(), e.getValue());
        }
        Path temp = journalPath.resolveSibling(journalPath.getFileName() + ".new");
        Files.deleteIfExists(temp);
        try (FileChannel c = openJournal(temp, StandardOpenOption.CREATE_NEW)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                c.write(bytes);
            }
            c.force(false);
        }
        try {
            Files.move(temp, journalPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, journalPath, StandardCopyOption.REPLACE_EXISTING);
        }
        journalLines = emitters.size();
        tornTail = false;
    }

    private static FileChannel openJournal(Path path, StandardOpenOption how) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException("refusing the relay's state file " + path + ": it is a symbolic link");
        }
        if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                return FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException noPosix) {
                return FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
            }
        }
        if (how == StandardOpenOption.CREATE_NEW) {
            throw new IOException("the relay's state file " + path + " appeared while it was being written");
        }
        return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads the journal written by an earlier run, if any (the last entry of an emitter wins).
     * A torn last line (the relay was killed while appending) is ignored.
     *
     * @return the number of emitters known afterwards
     */
    int load() throws IOException {
        if (journalPath == null) {
            return emitters.size();
        }
        if (Files.isSymbolicLink(journalPath)) {
            throw new IOException("refusing the relay's state file " + journalPath + ": it is a symbolic link");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(journalPath);
        } catch (NoSuchFileException none) {
            return 0;
        }
        tornTail = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            // Only whole lines: a last line without its newline was torn by a kill mid-append.
            String line = new String(bytes, start, i - start, StandardCharsets.US_ASCII);
            start = i + 1;
            journalLines++;
            Progress p = parseEntry(line);
            if (p != null) {
                emitters.put(line.substring(0, line.indexOf(' ')), p);
                evictBeyondBound();
            }
        }
        staged.clear();
        return emitters.size();
    }

    private static Progress parseEntry(String line) {
        String[] parts = line.split(" ");
        if (parts.length < 2 || !LineIdentity.usableId(parts[0])) {
            return null;
        }
        try {
            Progress p = new Progress();
            p.highest = Long.parseLong(parts[1]);
            long[] gaps = new long[2 * Math.min(parts.length - 2, MAX_GAPS)];
            for (int i = 0; i < gaps.length / 2; i++) {
                String gap = parts[parts.length - gaps.length / 2 + i];
                int dash = gap.indexOf('-');
                gaps[2 * i] = Long.parseLong(gap.substring(0, dash));
                gaps[2 * i + 1] = Long.parseLong(gap.substring(dash + 1));
            }
            p.gaps = gaps;
            return p.highest > 0 ? p : null;
        } catch (RuntimeException torn) {
            return null;
        }
    }

    /**
     * Returns the emitters remembered now.
     *
     * @return the emitters remembered now
     */
    int emitters() {
        return emitters.size();
    }

    /**
     * Returns emitters forgotten to keep within the bound.
     *
     * @return emitters forgotten to keep within the bound
     */
    long forgotten() {
        return forgotten;
    }

    private void closeJournal() {
        FileChannel c = journal;
        journal = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // appends only: nothing buffered to lose
            }
        }
    }

    void close() {
        closeJournal();
    }
}
