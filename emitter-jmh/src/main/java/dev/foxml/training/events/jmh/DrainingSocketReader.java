package dev.foxml.training.events.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The bridge's side of the Unix socket, in this JVM: listens at a path, accepts connections one
 * after the other and reads everything sent, as fast as the kernel hands it over (blocking reads
 * into a 1 MiB direct buffer) and counts its bytes and lines (eight bytes at a time). It parses
 * nothing: a real bridge costs more, but the benchmarks measure the emitter, and a reader that
 * keeps up is what the socket's raw limit assumes.
 * Built on the JDK's own channels, so it is independent of the junixsocket client under test.
 */
final class DrainingSocketReader implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile SocketChannel connection;
    private volatile boolean closed;
    /** Bytes read so far (all connections); written by the reader thread only. */
    private volatile long bytes;
    /** Lines (newlines) read so far. */
    private volatile long lines;

    private DrainingSocketReader(Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        thread = new Thread(this::run, "jmh-draining-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts listening at {@code path}. */
    static DrainingSocketReader start(Path path) {
        try {
            return new DrainingSocketReader(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return path;
    }

    long bytes() {
        return bytes;
    }

    long lines() {
        return lines;
    }

    /** Spins until {@code value} reaches {@code atLeast}; false when {@code timeoutMillis} passed first. */
    static boolean await(LongSupplier value, long atLeast, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (value.getAsLong() < atLeast) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long readBytes = 0;
        long readLines = 0;
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;
            }
            connection = c;
            try (c) {
                int n;
                while ((n = c.read(buf)) >= 0) {
                    readLines += Lines.count(buf, n);
                    readBytes += n;
                    bytes = readBytes;
                    lines = readLines;
                    buf.clear();
                }
            } catch (IOException e) {
                // the connection closed under us: accept the next one
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            SocketChannel c = connection;
            if (c != null) {
                c.close();
            }
            thread.join(2_000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
