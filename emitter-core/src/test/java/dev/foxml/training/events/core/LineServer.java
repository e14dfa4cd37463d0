package dev.foxml.training.events.core;

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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Unix-domain socket server standing in for the bridge: accepts connections and collects
 * the lines it reads, or (stalled) accepts and never reads. Built on the JDK's own channels so
 * that the code under test (junixsocket) is checked against an independent implementation.
 */
final class LineServer implements AutoCloseable {
    private final Path path;
    private final boolean reads;
    /** Held closed until {@link #open()}: the read loops wait on it (a bridge that starts reading late). */
    private final java.util.concurrent.CountDownLatch gate;
    private final ServerSocketChannel server;
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> tornTails = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** Set by kill(): a connection the acceptor is just taking must be closed too. */
    private boolean killed;

    private LineServer(Path path, boolean reads, boolean gated) throws IOException {
        this.path = path;
        this.reads = reads;
        this.gate = new java.util.concurrent.CountDownLatch(gated ? 1 : 0);
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        acceptor = new Thread(this::acceptLoop, "line-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server that reads every line sent to it. */
    static LineServer reading(Path path) throws IOException {
        return new LineServer(path, true, false);
    }

    /** A server that accepts connections and never reads from them (a hung bridge). */
    static LineServer stalled(Path path) throws IOException {
        return new LineServer(path, false, false);
    }

    /**
     * A server that accepts connections at once but reads from them only once {@link #open()} is
     * called, so that a writer waits for room for as long as the test wants.
     */
    static LineServer gated(Path path) throws IOException {
        return new LineServer(path, true, true);
    }

    /** Lets a {@link #gated} server start reading. */
    void open() {
        gate.countDown();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                synchronized (this) {
                    if (killed) {
                        // kill() ran between accept and here: this connection dies with the rest.
                        c.close();
                        return;
                    }
                    connections.add(c);
                }
                if (reads) {
                    Thread t = new Thread(() -> readLoop(c), "line-server-read");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void readLoop(SocketChannel c) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        try {
            gate.await();
            while (c.read(buf) >= 0) {
                takeLines(buf, pending, lines);
            }
        } catch (IOException | InterruptedException closed) {
            // connection closed by kill() or by the client
        }
        if (pending.size() > 0) {
            tornTails.add(pending.toString(StandardCharsets.UTF_8));
        }
    }

    Path path() {
        return path;
    }

    /** Every complete line read so far, each ending in {@code \n}. */
    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Bytes read after the last newline of a connection that then closed (a torn line). */
    List<String> tornTails() {
        return new ArrayList<>(tornTails);
    }

    /**
     * A stalled server's unread bytes: the whole lines waiting in each accepted connection (what
     * the emitter handed to a bridge that never read it), read now without waiting. A fragment
     * after a connection's last newline (a batch the emitter gave up on part way, and wrote to
     * the file whole) is left out.
     */
    List<String> unreadLines() throws IOException {
        List<String> unread = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (SocketChannel c : connections) {
            c.configureBlocking(false);
            java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
            while (c.read(buf) > 0) {
                takeLines(buf, pending, unread);
            }
        }
        return unread;
    }

    /** Moves what was read into {@code buf} on: each line completed with it into {@code into}, the rest into {@code pending}. */
    private static void takeLines(ByteBuffer buf, java.io.ByteArrayOutputStream pending, List<String> into) {
        buf.flip();
        while (buf.hasRemaining()) {
            byte b = buf.get();
            pending.write(b);
            if (b == '\n') {
                into.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }
        buf.clear();
    }

    int connectionCount() {
        return connections.size();
    }

    /** Waits until at least {@code n} lines arrived; false on timeout. */
    boolean awaitLines(int n, long timeout, TimeUnit unit) {
        return poll(() -> lines.size() >= n, timeout, unit);
    }

    boolean awaitConnections(int n, long timeout, TimeUnit unit) {
        return poll(() -> connections.size() >= n, timeout, unit);
    }

    /** Polls a condition with a deadline: the tests never sleep a fixed time to synchronise. */
    static boolean poll(BooleanSupplier condition, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The bridge dies: the listening socket and every connection close, the socket file goes. */
    void kill() throws IOException {
        synchronized (this) {
            killed = true;
        }
        gate.countDown();
        server.close();
        for (SocketChannel c : connections) {
            c.close();
        }
        Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
        kill();
    }
}
