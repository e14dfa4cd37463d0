package dev.foxml.training.events.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Unix-domain socket server standing in for the dashboard bridge: accepts connections
 * and keeps the lines it reads, until {@link #kill()} closes it and every connection, as a
 * bridge that dies does.
 */
public final class SocketReader implements AutoCloseable {

    private final Path path;
    private final ServerSocketChannel server;
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile boolean killed;

    /**
     * Listens on {@code path} (replacing a stale socket file).
     *
     * @param path the socket's path, short enough for a Unix socket (107 bytes)
     * @return the listening server
     * @throws IOException when the socket cannot be bound
     */
    public static SocketReader listen(Path path) throws IOException {
        return new SocketReader(path);
    }

    private SocketReader(Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread acceptor = new Thread(this::accept, "socket-reader-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!killed) {
            try {
                SocketChannel connection = server.accept();
                synchronized (this) {
                    if (killed) {
                        connection.close();
                        return;
                    }
                    connections.add(connection);
                }
                Thread reader = new Thread(() -> read(connection), "socket-reader-read");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void read(SocketChannel connection) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        try {
            while (connection.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        lines.add(pending.toString(StandardCharsets.UTF_8));
                        pending.reset();
                    } else {
                        pending.write(b);
                    }
                }
                buffer.clear();
            }
        } catch (IOException closed) {
            // kill() or the emitter closed the connection.
        }
    }

    /**
     * The complete lines read so far, in order of arrival.
     *
     * @return a copy
     */
    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    /**
     * Closes the server and every connection and removes the socket file: the emitter's next
     * write fails and its reconnects find nothing.
     *
     * @throws IOException when closing fails
     */
    public void kill() throws IOException {
        synchronized (this) {
            killed = true;
        }
        server.close();
        for (SocketChannel connection : connections) {
            connection.close();
        }
        Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
        kill();
    }
}
