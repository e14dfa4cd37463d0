package dev.foxml.training.events.core;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Opens a connected Unix-domain stream channel to the bridge's socket: through junixsocket when
 * its native library loads, otherwise through the JDK's own Unix-domain channels (Java 16+), so
 * that a noexec temp directory or an unsupported platform costs one warning, not the socket.
 */
abstract class SocketConnector {

    /** Connects, or throws; the channel returned is connected and blocking. */
    abstract SocketChannel connect(Path path) throws IOException;

    /** Which implementation this is, for diagnostics. */
    abstract String name();

    /** The junixsocket connector when its native library is usable, else the JDK one. */
    static SocketConnector best(RateLimitedLog log) {
        String problem;
        try {
            if (AFUNIXSocket.isSupported()) {
                return new Junixsocket();
            }
            problem = "junixsocket reports its native library unsupported on this platform";
        } catch (Throwable t) { // LinkageError when the jar or its native part is missing or broken
            problem = "junixsocket could not be loaded (" + t + ")";
        }
        log.warnOnce(problem + "; using the JDK's own Unix-domain socket channel instead."
                + " Peer credential checks are not available this way.");
        return new Jdk();
    }

    static final class Junixsocket extends SocketConnector {
        @Override
        SocketChannel connect(Path path) throws IOException {
            AFUNIXSocketChannel channel = AFUNIXSocketChannel.open();
            try {
                channel.connect(AFUNIXSocketAddress.of(path));
                return channel;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        String name() {
            return "junixsocket";
        }
    }

    static final class Jdk extends SocketConnector {
        @Override
        SocketChannel connect(Path path) throws IOException {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
                return channel;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        String name() {
            return "jdk";
        }
    }
}
