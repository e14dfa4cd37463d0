package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.QuietStderr;

import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * Opens a connected Unix-domain stream channel to the bridge's socket: through junixsocket when
 * its native library loads, otherwise through the JDK's own Unix-domain channels (Java 16+), so
 * that a noexec temp directory or an unsupported platform costs one warning, not the socket.
 *
 * <p>Each also tells who listens at the other end (the peer's credentials, {@code SO_PEERCRED}:
 * the user of the process that called {@code listen}), so that events are not sent to a socket
 * another user bound first in a shared directory.
 */
public abstract class SocketConnector {

    /** Connects, or throws; the channel returned is connected and blocking. */
    public abstract SocketChannel connect(Path path) throws IOException;

    /**
     * Who the listening peer of a channel from {@link #connect(Path)} runs as, when that is not
     * {@code ownUid}.
     *
     * @return {@code null} when the peer runs as {@code ownUid}, or when its credentials are not
     *     available (see {@link #hasPeerCredentials()}); otherwise a description such as
     *     {@code "uid 65534"} or {@code "user nobody"} for the warning
     */
    public abstract String foreignPeer(SocketChannel channel, long ownUid);

    /** Whether {@link #foreignPeer} can tell at all on this platform. */
    public abstract boolean hasPeerCredentials();

    /** Which implementation this is, for diagnostics. */
    public abstract String name();

    /**
     * The junixsocket connector when its native library is usable, else the JDK one, chosen at
     * the connector's first use: loading the library takes ~150 ms, which belongs on the thread
     * that first connects (the writer thread in asynchronous mode), not on the one building the
     * emitter. The first choice in a process tries junixsocket (its library loads at most once per
     * process) and logs why it cannot be used, once, in one line.
     */
    static SocketConnector best() {
        return new ChosenAtFirstUse();
    }

    /** {@link #best()}'s choice, made now. */
    static SocketConnector choose() {
        if (!nativeAccessEnabled()) {
            // Java 22+ without --enable-native-access: loading junixsocket's library would make
            // the JVM print its restricted-method warning into every trainer's output (and, once
            // such access is denied by default, fail). The JDK's channel does the same job here.
            // Nothing is logged: this is a working configuration, not a fault.
            return new Jdk();
        }
        return Native.PROBLEM == null ? new Junixsocket() : new Jdk();
    }

    /** Chooses the connector at its first use, on the thread that uses it (see {@link #best()}). */
    private static final class ChosenAtFirstUse extends SocketConnector {
        private volatile SocketConnector chosen;

        private SocketConnector chosen() {
            SocketConnector c = chosen;
            if (c == null) {
                c = choose();
                chosen = c;
            }
            return c;
        }

        @Override
        public SocketChannel connect(Path path) throws IOException {
            return chosen().connect(path);
        }

        @Override
        public String foreignPeer(SocketChannel channel, long ownUid) {
            return chosen().foreignPeer(channel, ownUid);
        }

        @Override
        public boolean hasPeerCredentials() {
            return chosen().hasPeerCredentials();
        }

        @Override
        public String name() {
            return chosen().name();
        }
    }

    /** Whether junixsocket's native library loaded, asked once per process. */
    private static final class Native {
        /** Why junixsocket cannot be used, or null when it can. */
        static final String PROBLEM = junixsocketProblem();

        static {
            if (PROBLEM != null) {
                LogOutput.warn(LogOutput.PLATFORM, PROBLEM + "; using the JDK's own Unix-domain socket channel"
                        + " instead" + (new Jdk().hasPeerCredentials() ? ""
                        : " (it cannot tell who listens on the socket: only the socket file's owner is checked)"));
            }
        }
    }

    /**
     * Loads junixsocket's native library with what it prints on failure (a stack trace on
     * standard error) discarded, and says why it failed: the reason junixsocket retains (the
     * cause of {@code AFSocket.ensureSupported()}'s exception), not that it is "unsupported".
     *
     * @return null when junixsocket works, else one line saying why not
     */
    static String junixsocketProblem() {
        try {
            return QuietStderr.call(() -> {
                if (AFUNIXSocket.isSupported()) {
                    return null;
                }
                try {
                    AFSocket.ensureSupported();
                    return "junixsocket's native library loaded, but without Unix-domain sockets";
                } catch (UnsupportedOperationException e) {
                    return "junixsocket's native library did not load ("
                            + loadFailure(e.getCause() != null ? e.getCause() : e) + ")";
                }
            });
        } catch (Throwable t) { // LinkageError when the jar or its native part is missing or broken
            return "junixsocket could not be loaded (" + LogOutput.cause(t) + ")";
        }
    }

    /**
     * The telling reason among what junixsocket's loader collected: it tries several places and
     * keeps each one's failure as a suppressed exception, most of them expected (no library
     * named by a property, none on {@code java.library.path}, no custom build on the class path).
     */
    static String loadFailure(Throwable error) {
        Throwable telling = null;
        for (Throwable s : error.getSuppressed()) {
            String m = String.valueOf(s.getMessage());
            boolean expected = s instanceof ClassNotFoundException
                    || m.startsWith("No library specified with -D")
                    || m.contains("java.library.path");
            if (!expected) {
                telling = s;
                break;
            }
        }
        if (telling == null) {
            return LogOutput.cause(error);
        }
        String reason = LogOutput.cause(telling);
        if (telling instanceof java.io.IOException) {
            // Extracting the library to its temporary directory failed; junixsocket does not say where.
            reason += ", extracting it to " + System.getProperty("org.newsclub.net.unix.library.tmpdir",
                    System.getProperty("java.io.tmpdir"));
        }
        return reason;
    }

    /**
     * Whether the JVM lets junixsocket's module load native code without a warning: always
     * before Java 22; on 22+ only when enabled ({@code --enable-native-access}). Reflection,
     * because {@code Module.isNativeAccessEnabled()} does not exist on Java 17.
     */
    static boolean nativeAccessEnabled() {
        try {
            java.lang.reflect.Method check = Module.class.getMethod("isNativeAccessEnabled");
            // A class literal neither initialises the class nor loads its library.
            return (Boolean) check.invoke(AFUNIXSocket.class.getModule());
        } catch (NoSuchMethodException beforeJava22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    public static final class Junixsocket extends SocketConnector {
        @Override
        public SocketChannel connect(Path path) throws IOException {
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
        public String foreignPeer(SocketChannel channel, long ownUid) {
            long uid;
            try {
                uid = ((AFUNIXSocketChannel) channel).getPeerCredentials().getUid();
            } catch (IOException | RuntimeException | LinkageError unavailable) {
                return null;
            }
            return uid < 0 || uid == ownUid ? null : "uid " + uid;
        }

        @Override
        public boolean hasPeerCredentials() {
            return true;
        }

        @Override
        public String name() {
            return "junixsocket";
        }
    }

    /**
     * The JDK's channels. The peer's credentials come from {@code jdk.net}'s {@code SO_PEERCRED}
     * (Linux and macOS); as a user principal, not a uid, so they are compared with the principal
     * of this process's uid. Where the option is missing, only the socket file's owner is checked.
     */
    public static final class Jdk extends SocketConnector {
        private final Object peerCredentials = peerCredentialsOption();
        private volatile UserPrincipal own;
        private volatile long ownFor = OwnerCheck.UNKNOWN;

        private static Object peerCredentialsOption() {
            try {
                return jdk.net.ExtendedSocketOptions.SO_PEERCRED;
            } catch (LinkageError noJdkNet) { // a runtime image without the jdk.net module
                return null;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public String foreignPeer(SocketChannel channel, long ownUid) {
            if (peerCredentials == null || ownUid == OwnerCheck.UNKNOWN) {
                return null;
            }
            try {
                java.net.SocketOption<jdk.net.UnixDomainPrincipal> option =
                        (java.net.SocketOption<jdk.net.UnixDomainPrincipal>) peerCredentials;
                if (!channel.supportedOptions().contains(option)) {
                    return null;
                }
                UserPrincipal peer = channel.getOption(option).user();
                return peer.equals(ownPrincipal(ownUid)) ? null : "user " + peer.getName();
            } catch (IOException | RuntimeException | LinkageError unavailable) {
                return null;
            }
        }

        /** The principal of a uid: looked up by its number, compared by uid (as the JDK's principals are). */
        private UserPrincipal ownPrincipal(long ownUid) throws IOException {
            UserPrincipal p = own;
            if (p == null || ownFor != ownUid) {
                p = FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByName(Long.toString(ownUid));
                own = p;
                ownFor = ownUid;
            }
            return p;
        }

        @Override
        public boolean hasPeerCredentials() {
            if (peerCredentials == null) {
                return false;
            }
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                return probe.supportedOptions().contains(peerCredentials);
            } catch (IOException | RuntimeException | LinkageError e) {
                return false;
            }
        }

        @Override
        public SocketChannel connect(Path path) throws IOException {
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
        public String name() {
            return "jdk";
        }
    }
}
