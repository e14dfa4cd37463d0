package dev.foxml.training.examples.monitor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Listens on a Unix domain stream socket, as the dashboard bridge does, and passes every line any
 * trainer writes to the sink, then a {@link MonitorInput.Disconnected} when that trainer's
 * connection ends. One daemon thread accepts and one reads each connection, so a stalled trainer
 * holds up nobody else and none of them keeps the JVM alive.
 *
 * <p>A socket file left behind by a reader that died is replaced; a socket someone is still
 * listening on is not taken over (that reader, e.g. the bridge, gets the events instead).
 */
final class UnixSocketSource implements AutoCloseable {

    static final int MAX_LINE_BYTES = 1 << 20;

    private final Path path;
    private final ServerSocketChannel server;
    private final Consumer<MonitorInput> sink;
    private final Clock clock;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean closed;

    private UnixSocketSource(Path path, ServerSocketChannel server, Consumer<MonitorInput> sink, Clock clock) {
        this.path = path;
        this.server = server;
        this.sink = sink;
        this.clock = clock;
    }

    /**
     * Binds the socket and starts accepting.
     *
     * @throws IOException when the path is taken by a live listener or by something that is not
     *     a socket, or cannot be bound (e.g. too long: Linux allows 107 bytes)
     */
    static UnixSocketSource listen(Path path, Consumer<MonitorInput> sink, Clock clock) throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(path) || Files.isDirectory(path)) {
                throw new IOException(path + " exists and is not a socket");
            }
            if (someoneListens(address)) {
                throw new IOException("another reader is already listening on " + path);
            }
            // Nobody listens: a socket file left by a reader that is gone.
            Files.deleteIfExists(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        UnixSocketSource source = new UnixSocketSource(path, server, sink, clock);
        Thread acceptor = new Thread(source::acceptLoop, "monitor-socket-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return source;
    }

    private static boolean someoneListens(UnixDomainSocketAddress address) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(address);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /**
     * Waits until no connection is open (each trainer has closed its side and everything it sent
     * has been passed to the sink), or the timeout passes.
     *
     * @return whether no connection was open at the end
     */
    boolean awaitNoConnections(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (connectionCount.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    private void acceptLoop() {
        int number = 0;
        while (!closed) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            connections.add(connection);
            connectionCount.incrementAndGet();
            Thread reader = new Thread(() -> readLoop(connection), "monitor-socket-reader-" + (++number));
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void readLoop(SocketChannel connection) {
        LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES,
                line -> sink.accept(new MonitorInput.Line(line, clock.instant(), "socket")));
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (connection.read(buffer) >= 0) {
                splitter.feed(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            splitter.finish();
        } catch (IOException e) {
            // The trainer went away mid-stream (or we are closing): what arrived is passed on.
            splitter.finish();
        } finally {
            connections.remove(connection);
            try {
                connection.close();
            } catch (IOException ignored) {
                // Nothing more to read from it either way.
            }
            if (!closed) {
                sink.accept(new MonitorInput.Disconnected(clock.instant()));
            }
            synchronized (idle) {
                connectionCount.decrementAndGet();
                idle.notifyAll();
            }
        }
    }

    /** Stops listening, closes every connection and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing is best effort; the file is removed below.
        }
        for (SocketChannel connection : connections) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // Its reader thread ends either way.
            }
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A stale socket file is replaced by the next listener anyway.
        }
    }
}
