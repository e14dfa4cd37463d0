package dev.foxml.training.events.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;

/**
 * Where a batch of lines goes: the socket when it is connected, the file when it is not, and
 * both in journal mode. The shape of Log4j 2's FailoverAppender: a primary (socket), a fallback
 * (file) and a retry of the primary with backoff. When the socket fails, the lines it may have
 * taken without the reader ever reading them (see {@link ReplayBuffer}) and the whole failed
 * batch go to the file, so a partly sent line still arrives whole.
 *
 * <p>Not thread-safe: driven by the writer thread (or under the emitter's lock in synchronous mode).
 *
 * <p>In synchronous mode the caller's thread delivers, and a trainer's thread gets interrupted
 * (an executor's {@code shutdownNow}, a task timeout or kill, a Ctrl-C handler). File channels
 * and junixsocket's channels close themselves when an interrupted thread uses them, and parks
 * return at once for it; so {@link #deliver} clears the caller's interrupt flag for its I/O and
 * sets it again before returning. An interrupt that lands during a channel call all the same
 * closes that channel: the call is retried on a new one, for the file from the first line not
 * written whole, for the socket with the whole batch (see {@link #writeToSocket}).
 */
final class FailoverDelivery {
    private static final long PEER_CHECK_NANOS = 100_000_000L;
    private final SocketTransport socket;
    private final FileTransport file;
    private final boolean journal;
    private final int minReplayBytes;
    private final long reconnectMinNanos;
    private final long reconnectMaxNanos;
    private final Counters counters;
    private final RateLimitedLog log;
    private final BatchBuffer replayBatch = new BatchBuffer(64 * 1024);
    private ReplayBuffer replay;
    private long nextConnectAttempt;
    private long backoffNanos;
    private boolean everConnected;
    private long lastPeerCheck = System.nanoTime() - PEER_CHECK_NANOS;
    /** Whether this deliver() cleared the interrupt flag of the delivering thread: set again on return. */
    private boolean interruptCleared;
    /** When this deliver() stops retrying calls cut short by interrupts (0: none cut short yet). */
    private long interruptedRetryUntil;
    /** After appendToFile returned false: how many of its lines are not in the file. */
    private int fileLinesLeft;

    FailoverDelivery(SocketTransport socket, FileTransport file, boolean journal, int minReplayBytes,
                     long reconnectMinNanos, long reconnectMaxNanos, Counters counters, RateLimitedLog log) {
        this.socket = socket;
        this.file = file;
        this.journal = journal;
        this.minReplayBytes = minReplayBytes;
        this.reconnectMinNanos = reconnectMinNanos;
        this.reconnectMaxNanos = reconnectMaxNanos;
        this.backoffNanos = reconnectMinNanos;
        this.counters = counters;
        this.log = log;
        this.nextConnectAttempt = System.nanoTime();
    }

    boolean socketConnected() {
        return socket.isConnected();
    }

    /** When the next attempt to (re)connect is due, for the writer to wake up in time. */
    long nextConnectAttemptNanos() {
        return nextConnectAttempt;
    }

    /**
     * Work to do while idle: reconnect when due, and notice a reader that went away while we had
     * nothing to send (so that its unread lines reach the file now, not at the next event), at
     * most every {@value #PEER_CHECK_NANOS} ns: the check allocates on junixsocket (its selector),
     * and a writer that falls idle between bursts many times a second would pay it every time.
     */
    void maintain(long now) {
        if (socket.isConnected()) {
            if (now - lastPeerCheck >= PEER_CHECK_NANOS) {
                lastPeerCheck = now;
                if (socket.peerClosed()) {
                    socketFailed("the reader closed the socket " + socket.path());
                }
            }
        } else {
            maybeConnect();
        }
    }

    /**
     * Delivers the batch; never throws. Loss (neither socket nor file took it) is counted. The
     * delivering thread's interrupt flag is the same on return as on entry (or set, if it was
     * interrupted meanwhile), and no interrupt closes a channel for later batches.
     */
    void deliver(BatchBuffer batch) {
        interruptCleared = Thread.interrupted();
        interruptedRetryUntil = 0;
        try {
            deliverUninterrupted(batch);
        } finally {
            boolean clearedInWrite = socket.takeClearedInterrupt();
            if (interruptCleared || clearedInWrite) {
                interruptCleared = false;
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deliverUninterrupted(BatchBuffer batch) {
        ByteBuffer bytes = batch.flipForWrite();
        int lines = batch.lines();
        boolean inFile = journal && appendToFile(bytes, lines);
        if (!socket.isConnected()) {
            maybeConnect();
        }
        if (socket.isConnected()) {
            bytes.rewind();
            if (writeToSocket(bytes)) {
                if (!journal) {
                    replay.record(bytes, 0, bytes.limit());
                }
                counters.writtenToSocket.addAndGet(lines);
                return;
            }
        }
        if (!journal) {
            bytes.rewind();
            inFile = appendToFile(bytes, lines);
        }
        if (!inFile) {
            counters.droppedUnwritable.addAndGet(fileLinesLeft);
        }
    }

    /** @return whether the socket took all of {@code bytes}; if not, delivery has moved to the file */
    private boolean writeToSocket(ByteBuffer bytes) {
        while (true) {
            try {
                socket.write(bytes);
                return true;
            } catch (ClosedByInterruptException e) {
                // The delivering thread was interrupted during the write, which closed the
                // channel: not the reader's doing. The batch goes again, whole, over a new
                // connection: junixsocket reports the bytes of the interrupted call as sent even
                // when the close came first (and the descriptor may have been reused), so what
                // the old connection took is not known for sure. What it did take the reader
                // still reads (possible duplicates, with the same seq, counted as replayed).
                int maybeTaken = linesBefore(bytes, bytes.position());
                if (retryAfterInterrupt() && reconnectNow()) {
                    counters.replayed.addAndGet(maybeTaken);
                    bytes.rewind();
                    continue;
                }
                socketFailed(describe(e));
                return false;
            } catch (IOException e) {
                socketFailed(describe(e));
                return false;
            }
        }
    }

    /**
     * After an interrupt closed a channel mid-call: clears the flag (set again when deliver()
     * returns) and says whether to retry. Retries go on for the write timeout (the longest a
     * synchronous emit waits for the socket): each is quick, so only a thread interrupted again
     * and again all that time (thousands of times a second) runs out of them.
     */
    private boolean retryAfterInterrupt() {
        if (Thread.interrupted()) {
            interruptCleared = true;
        }
        long now = System.nanoTime();
        if (interruptedRetryUntil == 0) {
            interruptedRetryUntil = now + socket.writeTimeoutNanos();
        }
        return now - interruptedRetryUntil < 0;
    }

    /** After an interrupt closed the connection: a new one at once, no backoff. */
    private boolean reconnectNow() {
        socket.close();
        nextConnectAttempt = System.nanoTime();
        maybeConnect();
        return socket.isConnected();
    }

    /** Where the line that holds the byte before {@code position} starts: after the newline before it. */
    private static int lineStart(ByteBuffer bytes, int position) {
        for (int i = position - 1; i >= 0; i--) {
            if (bytes.get(i) == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private void maybeConnect() {
        long now = System.nanoTime();
        if (now - nextConnectAttempt < 0) {
            return;
        }
        if (!socket.pathExists()) {
            // Nothing listens yet: cheap to look again soon, no backoff needed.
            nextConnectAttempt = now + reconnectMinNanos;
            return;
        }
        try {
            connect();
            int replayBytes = Math.max(minReplayBytes, 2 * socket.sendBufferBytes());
            if (replay == null || replay.capacity() < replayBytes) {
                replay = new ReplayBuffer(replayBytes);
            }
            backoffNanos = reconnectMinNanos;
            if (everConnected) {
                counters.reconnects.incrementAndGet();
            }
            everConnected = true;
        } catch (IOException | RuntimeException e) {
            counters.socketErrors.incrementAndGet();
            if (e instanceof OwnerCheck.NotOwnedException) {
                log.warn("socket-not-owned", e.getMessage() + " (" + file.path() + ")");
            } else {
                log.warn("socket-connect", "cannot connect to the event socket " + socket.path()
                        + "; events go to " + file.path() + " (" + e.getClass().getSimpleName() + ")");
            }
            retryLater(now);
        }
    }

    /** Connects, again at once when an interrupt of the delivering thread closed the channel meanwhile. */
    private void connect() throws IOException {
        while (true) {
            try {
                socket.connect();
                return;
            } catch (IOException e) {
                // Closed by an interrupt mid-connect: junixsocket says so, or a later call on the
                // closed channel fails while the flag (cleared by deliver()) is set again.
                boolean interrupted = e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted();
                if (!interrupted || !retryAfterInterrupt()) {
                    throw e;
                }
            }
        }
    }

    /** The next attempt at the socket after the backoff, which doubles up to its longest. */
    private void retryLater(long now) {
        nextConnectAttempt = now + backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, reconnectMaxNanos);
    }

    /**
     * The socket broke or stalled: close it, write what the reader may not have read to the
     * file, and retry the socket after the backoff. (The batch being written when it failed is
     * then written to the file whole by the caller, also the part the socket took.)
     */
    private void socketFailed(String why) {
        socket.close();
        counters.socketErrors.incrementAndGet();
        retryLater(System.nanoTime());
        log.warn("socket-failed", why + "; events go to " + file.path() + " until it is back");
        if (journal || replay == null) {
            return;
        }
        replayBatch.clear();
        int replayedLines = replay.drainTo(replayBatch);
        if (replayedLines > 0) {
            counters.replayed.addAndGet(replayedLines);
            // If the file cannot take them either, they may be lost: counted as dropped, though
            // the reader may have read some of them (an overcount, never a silent loss).
            if (!appendToFile(replayBatch.flipForWrite(), replayedLines)) {
                counters.droppedUnwritable.addAndGet(fileLinesLeft);
            }
        }
        replayBatch.clear();
    }

    private String describe(IOException e) {
        if (e instanceof SocketTransport.WriteTimeoutException) {
            return "the reader of " + socket.path() + " stopped reading";
        }
        return "writing to the event socket " + socket.path() + " failed (" + e.getClass().getSimpleName() + ")";
    }

    /**
     * @return whether the file took the lines (counted); a failure is counted and warned about,
     *     and {@link #fileLinesLeft} says how many lines the file did not take
     */
    private boolean appendToFile(ByteBuffer bytes, int lines) {
        while (true) {
            try {
                file.append(bytes);
                counters.writtenToFile.addAndGet(lines);
                return true;
            } catch (IOException | RuntimeException e) {
                int left = lines;
                if (e instanceof ClosedByInterruptException) {
                    // An interrupt during the write closed the file channel; the lines written
                    // whole are in the file (the position says how far the write got). The rest
                    // goes through a newly opened channel.
                    boolean retry = retryAfterInterrupt();
                    int resume = lineStart(bytes, bytes.position());
                    left = lines - linesBefore(bytes, resume);
                    if (left == 0) {
                        counters.writtenToFile.addAndGet(lines);
                        return true;
                    }
                    if (retry) {
                        bytes.position(resume);
                        continue;
                    }
                    counters.writtenToFile.addAndGet(lines - left);
                }
                fileLinesLeft = left;
                counters.fileErrors.incrementAndGet();
                log.warn("file-failed", "cannot append training events to " + file.path() + ": " + e.getMessage());
                return false;
            }
        }
    }

    private static int linesBefore(ByteBuffer bytes, int position) {
        int n = 0;
        for (int i = 0; i < position; i++) {
            if (bytes.get(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    void close() {
        socket.close();
        file.close();
    }
}
