package dev.foxml.training.events.jmh;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A reader in a process of its own, for {@link OutOfProcessIdleLatency}: listens at the path
 * given, reads every connection (one after the other) and, for every line read, writes one byte
 * to its standard output at once, which the benchmark waits for. Prints {@code listening} first.
 * Exits when its standard input ends (the benchmark's JVM closed it or died).
 */
public final class EchoingReader {
    private EchoingReader() {
    }

    /**
     * Runs the reader.
     *
     * @param args the socket path to listen at
     * @throws IOException when it cannot listen
     */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // nothing is sent: only the end matters
                }
            } catch (IOException ignored) {
                // the same: the parent is gone
            }
            System.exit(0);
        }, "echoing-reader-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write("listening\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        byte[] echo = new byte[1 << 16];
        while (true) {
            try (SocketChannel c = server.accept()) {
                int n;
                while ((n = c.read(buf)) >= 0) {
                    long lines = Lines.count(buf, n);
                    buf.clear();
                    while (lines > 0) {
                        int now = (int) Math.min(lines, echo.length);
                        out.write(echo, 0, now);
                        lines -= now;
                    }
                }
            } catch (IOException e) {
                // the connection ended: accept the next one
            }
        }
    }
}
