package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

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
public final class FailoverDelivery {
    private static final long PEER_CHECK_NANOS = 100_000_000L;
    /** How often an unchanged failure to connect is warned about again while it lasts. */
    static final long CONNECT_WARNING_REPEAT_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    /** Where lines go now, for the log lines that say so when it changes. */
    private enum Route { UNDECIDED, SOCKET, FILE }

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
    private Route route = Route.UNDECIDED;
    /** Why the last attempt to connect failed (null after a success): warned about when it changes. */
    private String connectFailure;
    private long connectFailureWarnedAt;
    /** Attempts that failed the same way since that warning. */
    private long connectFailuresSinceWarning;
    /** Whether the last append to the file failed because its disk is full. */
    private boolean diskFull;
    /** Events dropped while the file's disk was full, not yet reported in a warning. */
    private long lostToFullDisk;
    /** {@link #CONNECT_WARNING_REPEAT_NANOS}; shorter in a test that watches the repeats. */
    public long connectWarningRepeatNanos = CONNECT_WARNING_REPEAT_NANOS;
    /** Whether this deliver() cleared the interrupt flag of the delivering thread: set again on return. */
    private boolean interruptCleared;
    /** When this deliver() stops retrying calls cut short by interrupts (0: none cut short yet). */
    private long interruptedRetryUntil;

    public FailoverDelivery(SocketTransport socket, FileTransport file, boolean journal, int minReplayBytes,
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
        file.onLinesLost(this::linesLostInDeletedFile);
    }

    public boolean socketConnected() {
        return socket.isConnected();
    }

    /** When the next attempt to (re)connect is due, for the writer to wake up in time. */
    public long nextConnectAttemptNanos() {
        return nextConnectAttempt;
    }

    /**
     * Work to do while idle: reconnect when due, and notice a reader that went away while we had
     * nothing to send (so that its unread lines reach the file now, not at the next event), at
     * most every {@value #PEER_CHECK_NANOS} ns: the check allocates on junixsocket (its selector),
     * and a writer that falls idle between bursts many times a second would pay it every time.
     */
    public void maintain(long now) {
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
    public void deliver(BatchBuffer batch) {
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
        int inFile = journal ? appendToFile(bytes, lines) : 0;
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
        routeToFile();
        if (!journal) {
            bytes.rewind();
            inFile = appendToFile(bytes, lines);
        }
        dropped(lines - inFile);
    }

    /** Lines neither the socket nor the file took: counted, and noted for the full-disk warning. */
    private void dropped(int lines) {
        if (lines <= 0) {
            return;
        }
        counters.droppedUnwritable.addAndGet(lines);
        if (diskFull) {
            lostToFullDisk += lines;
        }
    }

    /**
     * Lines counted as written to a file that was deleted, which could not be copied to the new
     * file at its path: written, then lost, so counted as dropped instead.
     */
    private void linesLostInDeletedFile(long lines) {
        // The lines counted are all the complete lines the deleted file received since the last
        // look, other processes' too: never more than this emitter counted as written.
        lines = Math.min(lines, counters.writtenToFile.get());
        if (lines <= 0) {
            return;
        }
        counters.writtenToFile.addAndGet(-lines);
        counters.droppedUnwritable.addAndGet(lines);
        log.warn("file-deleted", lines + " training events written to " + file.path()
                + " shortly before it was deleted could not be copied to a new file there and were lost"
                + " (counted in stats().droppedUnwritable())");
    }

    /**
     * Returns whether the socket took all of {@code bytes}; if not, delivery has moved to the file.
     *
     * @return whether the socket took all of {@code bytes}; if not, delivery has moved to the file
     */
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
            connectFailure = null;
            return;
        }
        boolean debug = log.debugEnabled();
        if (debug) {
            log.debug("connecting to the event socket " + socket.path());
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
            connectFailure = null;
            routeToSocket();
        } catch (IOException | RuntimeException e) {
            counters.socketErrors.incrementAndGet();
            retryLater(now);
            boolean notOwned = e instanceof OwnerCheck.NotOwnedException;
            String failure = notOwned ? e.getMessage()
                    : "cannot connect to the event socket " + socket.path() + " (" + LogOutput.cause(e) + ")";
            if (debug) {
                log.debug(failure + "; next attempt in " + (nextConnectAttemptMillis(now)) + " ms");
            }
            connectFailed(failure, notOwned, now);
        }
    }

    private long nextConnectAttemptMillis(long now) {
        return Math.max(0, (nextConnectAttempt - now) / 1_000_000);
    }

    /**
     * A socket file no one listens on (a bridge that crashed), or one of another user, fails
     * every attempt the same way: warned about when the failure starts or changes, then again at
     * most hourly while it lasts, with how many attempts failed meanwhile, instead of at every
     * warning interval.
     */
    private void connectFailed(String failure, boolean notOwned, long now) {
        boolean changed = !failure.equals(connectFailure);
        if (!changed && now - connectFailureWarnedAt < connectWarningRepeatNanos) {
            connectFailuresSinceWarning++;
            return;
        }
        routeToFile();
        if (!log.tryAcquire("socket-connect")) {
            // Within the warning interval of the last one (a bridge flapping): not yet warned,
            // so the next attempt that fails tries again.
            connectFailuresSinceWarning++;
            return;
        }
        String repeated = changed ? ""
                : " (still; " + connectFailuresSinceWarning + " attempts failed the same way since the last warning)";
        connectFailure = failure;
        // After the attempt, not before: a first connect can take long (class loading on a busy machine).
        connectFailureWarnedAt = System.nanoTime();
        connectFailuresSinceWarning = 0;
        log.log("socket-connect", failure + repeated + (notOwned ? " (" + file.path() + ")"
                : "; events go to the file " + file.path() + ", and the socket is tried again at least every "
                        + reconnectMaxNanos / 1_000_000 + " ms"));
    }

    /** Says where lines go, once at the start and at each change. */
    private void routeToSocket() {
        if (route == Route.SOCKET) {
            return;
        }
        String also = journal ? ", and to the file " + file.path() + " (journal mode)" : "";
        log.info(route == Route.UNDECIDED ? "events go to the socket " + socket.path() + also
                : "a bridge listens at " + socket.path() + ": events go to the socket" + also
                        + (journal ? "" : ", no longer to the file " + file.path()));
        route = Route.SOCKET;
    }

    private void routeToFile() {
        if (route == Route.FILE) {
            return;
        }
        if (route == Route.UNDECIDED) {
            java.nio.file.Path socketDir = socket.path().getParent();
            String why = socketDir != null && !java.nio.file.Files.isDirectory(socketDir)
                    ? " (its directory does not exist)" : "";
            log.info("no bridge listening at " + socket.path() + why + "; events go to the file " + file.path());
        } else {
            log.info("events go to the file " + file.path() + " until the socket " + socket.path() + " is back");
        }
        route = Route.FILE;
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
        if (log.tryAcquire("socket-failed")) {
            log.log("socket-failed", why + "; events go to the file " + file.path() + " until it is back");
            route = Route.FILE;
        } else {
            routeToFile();
        }
        if (journal || replay == null) {
            return;
        }
        replayBatch.clear();
        int replayedLines = replay.drainTo(replayBatch);
        if (replayedLines > 0) {
            counters.replayed.addAndGet(replayedLines);
            // If the file cannot take them either, they may be lost: counted as dropped, though
            // the reader may have read some of them (an overcount, never a silent loss).
            dropped(replayedLines - appendToFile(replayBatch.flipForWrite(), replayedLines));
        }
        replayBatch.clear();
    }

    private String describe(IOException e) {
        if (e instanceof SocketTransport.WriteTimeoutException) {
            return "the reader of " + socket.path() + " stopped reading";
        }
        return "writing to the event socket " + socket.path() + " failed (" + LogOutput.cause(e) + ")";
    }

    /**
     * Appends the lines to the file.
     *
     * @return how many of the lines the file took whole (counted as written); the caller counts
     *         the rest as dropped unless the socket took them. A failure is counted and warned about.
     */
    private int appendToFile(ByteBuffer bytes, int lines) {
        int inFile = 0;
        while (true) {
            try {
                file.append(bytes);
                counters.writtenToFile.addAndGet(lines - inFile);
                if (diskFull) {
                    diskFullOver();
                }
                return lines;
            } catch (FileTransport.AppendFailure e) {
                int written = e.wholeLinesWritten();
                counters.writtenToFile.addAndGet(written);
                inFile += written;
                IOException cause = e.failure();
                if (cause instanceof ClosedByInterruptException) {
                    // An interrupt during the write closed the file channel; the lines written
                    // whole are in the file (a fragment of one was cut off). The rest goes
                    // through a newly opened channel. The flag is cleared either way, so that
                    // the rest of this delivery closes no other channel.
                    boolean retry = retryAfterInterrupt();
                    if (inFile == lines) {
                        return lines;
                    }
                    if (retry) {
                        bytes.position(lineStart(bytes, bytes.position()));
                        continue;
                    }
                }
                counters.fileErrors.incrementAndGet();
                if (e.diskFull()) {
                    if (!diskFull) {
                        diskFull = true;
                        log.warn("disk-full", "the disk holding " + file.path() + " is full ("
                                + LogOutput.cause(cause) + "): "
                                + (lines - inFile) + " training events of " + lines + " could not be written to it;"
                                + " until space is freed, events the socket does not take are dropped"
                                + " (counted in stats().droppedUnwritable()); the file keeps whole lines only");
                    }
                } else {
                    log.warn("file-failed", "cannot append training events to " + file.path() + " ("
                            + LogOutput.cause(cause) + ")");
                }
                return inFile;
            } catch (IOException | RuntimeException e) {
                if (e instanceof ClosedByInterruptException && retryAfterInterrupt()) {
                    continue; // the file was being opened when an interrupt closed a channel: open it again
                }
                counters.fileErrors.incrementAndGet();
                log.warn("file-failed", "cannot append training events to " + file.path() + " (" + LogOutput.cause(e) + ")");
                return inFile;
            }
        }
    }

    /** The file takes lines again after its disk was full: say how many events were lost meanwhile. */
    private void diskFullOver() {
        diskFull = false;
        if (lostToFullDisk > 0 && log.tryAcquire("disk-full-over")) {
            log.log("disk-full-over", "the disk holding " + file.path() + " has room again: "
                    + lostToFullDisk + " training events were lost while it was full"
                    + " (counted in stats().droppedUnwritable())");
            lostToFullDisk = 0;
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

    public void close() {
        socket.close();
        file.close();
    }
}
