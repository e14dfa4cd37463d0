package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import java.io.IOException;
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
 * The connection to the bridge's Unix socket. Writes are non-blocking with a deadline, so a
 * reader that accepts but never reads costs at most the write timeout, never a hung trainer.
 * Not thread-safe: used by the writer thread only (or under the lock in synchronous mode).
 */
public final class SocketTransport {
    private static final int MAX_POLL_PARK_NANOS = 1_000_000;
    private static final int MIN_POLL_PARK_NANOS = 10_000;
    /** How long a write waiting for room retries at once (yielding the CPU) before it parks. */
    private static final long YIELD_NANOS = 50_000;
    private static final String FIX = "events go to the file instead. Remove the socket, or point "
            + TrainingEventEmitterBuilder.SOCKET_ENV + " at a socket your own bridge listens on";

    private final Path path;
    private final SocketConnector connector;
    private final long writeTimeoutNanos;
    private final ByteBuffer probe = ByteBuffer.allocateDirect(256);
    private SocketChannel channel;
    private Selector readable;
    private int sendBufferBytes;
    /** Whether write() cleared the interrupt flag of the writing thread (for the caller to set it again). */
    private boolean clearedInterrupt;

    public SocketTransport(Path path, SocketConnector connector, long writeTimeoutNanos) {
        this.path = path;
        this.connector = connector;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    Path path() {
        return path;
    }

    long writeTimeoutNanos() {
        return writeTimeoutNanos;
    }

    public boolean isConnected() {
        return channel != null;
    }

    /** The kernel's send buffer of the current connection (0 when not connected). */
    int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** Whether something is at the socket's path: checked before connecting, as a connect that fails costs an exception. */
    boolean pathExists() {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
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
     * Writes all of {@code batch} (from its position to its limit) or throws. On return or on
     * an exception, the batch's position says how much the kernel accepted.
     *
     * @throws IOException when the peer is gone, or {@link WriteTimeoutException} when the
     *     reader did not make room within the write timeout
     */
    void write(ByteBuffer batch) throws IOException {
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
                throw new WriteTimeoutException();
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
    boolean takeClearedInterrupt() {
        boolean cleared = clearedInterrupt;
        clearedInterrupt = false;
        return cleared;
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
        WriteTimeoutException() {
            super("write timed out: the reader is not reading", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
