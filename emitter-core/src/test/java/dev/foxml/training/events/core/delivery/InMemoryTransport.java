package dev.foxml.training.events.core.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * A transport that keeps the lines it takes in a list, and can be told to fail the way real ones
 * do: refuse to open, be absent (no backoff), take part of a batch and then fail (a reader that
 * died; a full disk for a fallback), stall until its timeout, fail its idle health check, be
 * interrupted mid-write, and hand back lines it cannot vouch for. Usable as primary and fallback.
 */
final class InMemoryTransport implements Fallback {
    private final String name;
    /** The lines taken, in order, without their newlines. */
    final List<String> lines = new ArrayList<>();
    /** Lines of complete writes, handed back as unconfirmed after a failure (like the socket's replay). */
    private final List<String> unconfirmed = new ArrayList<>();
    private boolean open;
    private LongConsumer linesLost = n -> { };

    /** Whether lines taken are kept for {@link #takeUnconfirmed} (a primary that cannot vouch for them). */
    boolean keepsUnconfirmed;
    /** Whether {@link #worthOpening()} says no (the socket file is not there). */
    volatile boolean absent;
    /** How often {@link #worthOpening()} was asked (from the writer thread). */
    final AtomicInteger lookedFor = new AtomicInteger();
    /** Thrown by {@link #open()} when set. */
    IOException openFailure;
    /** Thrown by the writes when set, after taking {@link #bytesBeforeFailure} of the batch. */
    IOException writeFailure;
    /** How many bytes of a failing write are taken first (whole lines among them are kept). */
    int bytesBeforeFailure;
    /** Whether the failure of a fallback's write is a full disk. */
    boolean diskFull;
    /** Thrown by {@link #write} when set (a bug, not an I/O failure). */
    RuntimeException writeBug;
    /** How long a write waits before it fails with "stopped reading" (0: no stall). */
    long stallNanos;
    /** Writes to interrupt: the thread is interrupted and the channel "closed" mid-write. */
    int interruptedWrites;
    /** Whether {@link #takeClearedInterrupt()} reports a cleared interrupt (once). */
    boolean clearedInterrupt;
    /** Whether lines may still be unconfirmed after a clean close (a broker's producer). */
    boolean unconfirmedAtClose;
    /** Thrown by {@link #checkHealth} when set. */
    IOException healthFailure;

    int opens;
    int writes;
    int closes;
    int writesAfterClose;
    /** Whether the writing thread's interrupt flag was set at any write. */
    boolean sawInterruptFlag;

    InMemoryTransport(String name) {
        this.name = name;
    }

    @Override
    public Path path() {
        return Path.of(name);
    }

    @Override
    public String describe() {
        return "the memory " + name;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean worthOpening() {
        lookedFor.incrementAndGet();
        return !absent;
    }

    @Override
    public void open() throws IOException {
        opens++;
        open = false;
        if (openFailure != null) {
            throw openFailure;
        }
        open = true;
    }

    @Override
    public void write(ByteBuffer wholeLines, int lineCount) throws IOException {
        writes++;
        writesAfterClose += closes > 0 ? 1 : 0;
        sawInterruptFlag |= Thread.currentThread().isInterrupted();
        if (writeBug != null) {
            throw writeBug;
        }
        if (stallNanos > 0) {
            LockSupport.parkNanos(stallNanos);
            wholeLines.position(wholeLines.limit() > 0 ? 1 : 0);
            throw new IOException("the reader of " + name + " stopped reading");
        }
        if (interruptedWrites > 0) {
            interruptedWrites--;
            take(wholeLines, Math.min(bytesBeforeFailure, wholeLines.remaining()));
            open = false;
            Thread.currentThread().interrupt();
            throw new IOException("writing to " + name + " failed", new ClosedByInterruptException());
        }
        if (writeFailure != null) {
            int whole = take(wholeLines, Math.min(bytesBeforeFailure, wholeLines.remaining()));
            open = false;
            throw new AppendFailure(writeFailure, whole, diskFull);
        }
        int before = lines.size();
        take(wholeLines, wholeLines.remaining());
        if (keepsUnconfirmed) {
            // Kept only once the whole batch went, as the socket's replay records only complete writes.
            unconfirmed.addAll(lines.subList(before, lines.size()));
        }
    }

    /** Takes {@code n} bytes: the whole lines among them are kept; returns how many. */
    private int take(ByteBuffer bytes, int n) {
        byte[] taken = new byte[n];
        bytes.get(taken);
        String text = new String(taken, StandardCharsets.UTF_8);
        int whole = 0;
        int from = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
            String line = text.substring(from, nl);
            lines.add(line);
            whole++;
            from = nl + 1;
        }
        return whole;
    }

    @Override
    public boolean takeClearedInterrupt() {
        boolean cleared = clearedInterrupt;
        clearedInterrupt = false;
        return cleared;
    }

    @Override
    public int takeUnconfirmed(OutputStream out) throws IOException {
        int n = unconfirmed.size();
        for (String line : unconfirmed) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        unconfirmed.clear();
        return n;
    }

    @Override
    public void checkHealth(long nowNanos) throws IOException {
        if (healthFailure != null) {
            throw healthFailure;
        }
    }

    @Override
    public boolean unconfirmedAfterClose() {
        return unconfirmedAtClose;
    }

    @Override
    public void onLinesLost(LongConsumer listener) {
        linesLost = listener;
    }

    /** Reports lines lost after they were counted as written (a deleted file). */
    void loseLines(long n) {
        linesLost.accept(n);
    }

    @Override
    public void close() {
        closes++;
        open = false;
    }
}
