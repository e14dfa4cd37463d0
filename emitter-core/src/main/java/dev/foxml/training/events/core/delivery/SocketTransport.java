package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.support.LogOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The connection to the bridge's Unix socket, the primary transport unless a
 * {@link dev.foxml.training.events.core.spi.TransportProvider} supplies another. Writes are
 * non-blocking with a deadline, so a reader that accepts but never reads costs at most the write
 * timeout, never a hung trainer. The lines sent most recently are kept (see {@link ReplayBuffer}):
 * after a failure they are {@linkplain #takeUnconfirmed unconfirmed}, as the reader may never
 * have read what the kernel accepted.
 * Not thread-safe: used by the writer thread only (or under the lock in synchronous mode).
 */
public final class SocketTransport implements Transport {
    /**
     * How often, at most, an idle connection is checked for a reader that went away: the check
     * allocates on junixsocket (its selector), and a writer that falls idle between bursts many
     * times a second would pay it every time.
     */
    private static final long PEER_CHECK_NANOS = 100_000_000L;
    private static final int MAX_POLL_PARK_NANOS = 1_000_000;
    private static final int MIN_POLL_PARK_NANOS = 10_000;
    /** How long a write waiting for room retries at once (yielding the CPU) before it parks. */
    private static final long YIELD_NANOS = 50_000;
    private static final String FIX = "events go to the file instead. Remove the socket, or point "
            + EmitterSetting.SOCKET.environmentVariable() + " at a socket your own bridge listens on";

    private final Path path;
    private final SocketConnector connector;
    private final long writeTimeoutNanos;
    /** The least the replay keeps (0: nothing kept, as in journal mode, where every line is in the file). */
    private final int minReplayBytes;
    private ReplayBuffer replay;
    private long lastPeerCheck = System.nanoTime() - PEER_CHECK_NANOS;
    private final ByteBuffer probe = ByteBuffer.allocateDirect(256);
    private SocketChannel channel;
    private Selector readable;
    private int sendBufferBytes;
    /** Whether write() cleared the interrupt flag of the writing thread (for the caller to set it again). */
    private boolean clearedInterrupt;

    /**
     * A transport to the socket at {@code path}, not yet connected.
     *
     * @param minReplayBytes the least the replay of recently sent lines keeps (it keeps at least
     *     twice the connection's send buffer); 0 to keep none
     */
    public SocketTransport(Path path, SocketConnector connector, long writeTimeoutNanos, int minReplayBytes) {
        this.path = path;
        this.connector = connector;
        this.writeTimeoutNanos = writeTimeoutNanos;
        this.minReplayBytes = minReplayBytes;
    }

    Path path() {
        return path;
    }

    @Override
    public String describe() {
        return "the socket " + path;
    }

    @Override
    public String describeOpening() {
        return "connecting to the event socket " + path;
    }

    @Override
    public String describeBack() {
        return "a bridge listens at " + path + ": events go to the socket";
    }

    @Override
    public String describeAbsent() {
        Path socketDir = path.getParent();
        String why = socketDir != null && !Files.isDirectory(socketDir) ? " (its directory does not exist)" : "";
        return "no bridge listening at " + path + why;
    }

    @Override
    public boolean isOpen() {
        return channel != null;
    }

    /** The kernel's send buffer of the current connection (0 when not connected). */
    int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** Whether something is at the socket's path: checked before connecting, as a connect that fails costs an exception. */
    @Override
    public boolean worthOpening() {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Connects (see {@link #connect()}) and makes the replay of recently sent lines at least
     * twice the connection's send buffer, the most the kernel can hold unread.
     *
     * @throws OwnerCheck.NotOwnedException when the socket belongs to another user
     * @throws IOException when connecting fails: "cannot connect to the event socket ..." with the cause
     */
    @Override
    public void open() throws IOException {
        try {
            connect();
        } catch (OwnerCheck.NotOwnedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot connect to the event socket " + path + " (" + LogOutput.cause(e) + ")", e);
        }
        if (minReplayBytes > 0) {
            int replayBytes = Math.max(minReplayBytes, 2 * sendBufferBytes);
            if (replay == null || replay.capacity() < replayBytes) {
                replay = new ReplayBuffer(replayBytes);
            }
        }
    }

    /**
     * Connects; on failure throws and stays disconnected. A socket of another user is refused
     * with {@link OwnerCheck.NotOwnedException}: first by the owner of the socket file (and of
     * the file a symbolic link there points to), before connecting; then, once connected, by
     * the listening peer's credentials where the connector has them, which also catches a
     * socket file swapped between the check and the connect.
     */
    public void connect() throws IOException {
        close();
        checkSocketFileOwner();
        SocketChannel c = connector.connect(path);
        try {
            String foreign = connector.foreignPeer(c, OwnerCheck.ownUid());
            if (foreign != null) {
                throw new OwnerCheck.NotOwnedException("refusing the event socket " + path
                        + ": the process listening on it runs as " + foreign + ", not as this process's user (uid "
                        + OwnerCheck.ownUid() + "); " + FIX);
            }
            c.configureBlocking(false);
            int sndbuf;
            try {
                sndbuf = c.getOption(StandardSocketOptions.SO_SNDBUF);
            } catch (IOException | UnsupportedOperationException e) {
                sndbuf = 256 * 1024;
            }
            sendBufferBytes = sndbuf;
            // junixsocket's non-blocking read reports end-of-stream as 0, not -1; "readable, yet
            // nothing to read" is how a closed peer shows on both implementations.
            Selector selector = c.provider().openSelector();
            try {
                c.register(selector, SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                selector.close();
                throw e;
            }
            readable = selector;
            channel = c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void checkSocketFileOwner() throws IOException {
        String what = "the event socket";
        OwnerCheck.requireOwn(path, OwnerCheck.ownerUid(path, LinkOption.NOFOLLOW_LINKS), what, FIX);
        if (Files.isSymbolicLink(path)) {
            OwnerCheck.requireOwn(path, OwnerCheck.ownerUid(path), what + " (the target of the link)", FIX);
        }
    }

    /**
     * Writes all of {@code batch} (from its position to its limit) or throws; what was written
     * is kept for the replay. On return or on an exception, the batch's position says how much
     * the kernel accepted.
     *
     * @throws IOException when the peer is gone ("writing to the event socket ... failed", caused
     *     by the channel's exception), or {@link WriteTimeoutException} when the reader did not
     *     make room within the write timeout
     */
    @Override
    public void write(ByteBuffer batch, int lineCount) throws IOException {
        int start = batch.position();
        try {
            writeAll(batch);
        } catch (WriteTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("writing to the event socket " + path + " failed (" + LogOutput.cause(e) + ")", e);
        }
        if (replay != null) {
            replay.record(batch, start, batch.limit());
        }
    }

    private void writeAll(ByteBuffer batch) throws IOException {
        SocketChannel c = channel;
        if (c == null) {
            throw new IOException("not connected");
        }
        long full = 0;
        long park = MIN_POLL_PARK_NANOS;
        while (batch.hasRemaining()) {
            // An interrupt of a synchronous caller that arrived while we waited for room: a park
            // would return at once, and junixsocket's channel closes itself on the next write.
            if (Thread.interrupted()) {
                clearedInterrupt = true;
            }
            int n = c.write(batch);
            if (n > 0 || !batch.hasRemaining()) {
                full = 0;
                park = MIN_POLL_PARK_NANOS;
                continue;
            }
            long now = System.nanoTime();
            if (full == 0) {
                full = now;
            } else if (now - full >= writeTimeoutNanos) {
                throw new WriteTimeoutException(path);
            }
            if (now - full < YIELD_NANOS) {
                // The kernel's buffer is full and the reader is draining it: room comes within
                // microseconds, far sooner than a park returns (timer slack makes the shortest
                // park ~50 µs, in which the reader empties the buffer and falls idle). Waiting
                // for writability with a selector would cost an allocation per wait on junixsocket.
                Thread.yield();
                continue;
            }
            // The reader is slow or stalled: wait for it to make room, a little longer each time.
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, MAX_POLL_PARK_NANOS);
        }
    }

    /**
     * Whether {@link #write} cleared the interrupt flag of the thread writing since the last call
     * (an interrupt that arrived while it waited for room); resets it.
     */
    @Override
    public boolean takeClearedInterrupt() {
        boolean cleared = clearedInterrupt;
        clearedInterrupt = false;
        return cleared;
    }

    /**
     * Lines sent lately that a reader which went away may not have read: the replay's whole
     * lines, oldest first; forgotten once taken.
     */
    @Override
    public int takeUnconfirmed(OutputStream out) throws IOException {
        return replay == null ? 0 : replay.drainTo(out);
    }

    /**
     * Notices a reader that went away while we had nothing to send (so that its unread lines
     * reach the file now, not at the next event), at most every {@value #PEER_CHECK_NANOS} ns.
     *
     * @throws IOException "the reader closed the socket ..." when it did
     */
    @Override
    public void checkHealth(long nowNanos) throws IOException {
        if (channel == null || nowNanos - lastPeerCheck < PEER_CHECK_NANOS) {
            return;
        }
        lastPeerCheck = nowNanos;
        if (peerClosed()) {
            throw new IOException("the reader closed the socket " + path);
        }
    }

    /**
     * Whether the reader has closed its end (the bridge exited or crashed) while we had nothing
     * to send: a non-blocking read sees end-of-stream. Anything the reader sent is discarded.
     */
    boolean peerClosed() {
        SocketChannel c = channel;
        if (c == null) {
            return false;
        }
        try {
            if (readable.selectNow() == 0) {
                return false;
            }
            readable.selectedKeys().clear();
            int n;
            probe.clear();
            n = c.read(probe);
            if (n <= 0) {
                return true;
            }
            while (n > 0) {
                probe.clear();
                n = c.read(probe);
            }
            return n < 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Closes the connection; the replay is kept for {@link #takeUnconfirmed}. */
    @Override
    public void close() {
        SocketChannel c = channel;
        Selector selector = readable;
        channel = null;
        readable = null;
        sendBufferBytes = 0;
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // only the selector's own descriptors; the channel is closed below
            }
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing more to lose
            }
        }
    }

    /** The reader accepted the connection but did not read in time. */
    static final class WriteTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        WriteTimeoutException(Path path) {
            super("the reader of " + path + " stopped reading", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
