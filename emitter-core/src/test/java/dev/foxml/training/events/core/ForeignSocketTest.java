package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.OwnerCheck;
import dev.foxml.training.events.core.delivery.SocketConnector;
import dev.foxml.training.events.core.delivery.SocketTransport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.EmitterStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Anyone can bind {@code /tmp/foxml_training_events.sock} before the real bridge does, and then
 * read every event of every run on the machine. A socket of another user is refused: before
 * connecting, by the owner of the socket file; once connected, by the listening peer's
 * credentials ({@code SO_PEERCRED}), which also catches a socket file we own that another user
 * listens behind. The events go to the file instead.
 *
 * <p>The other user is real: a tiny Python server run as {@code nobody} (uid 65534) through
 * {@code setpriv}. That needs root; as anyone else these tests are skipped.
 */
class ForeignSocketTest {
    private static final int NOBODY = 65534;
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String SERVER = String.join("\n",
            "import os, socket, sys, threading",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.bind(sys.argv[1])",
            "s.listen(16)",
            "print('READY', os.geteuid(), flush=True)",
            "def serve(c):",
            "    while True:",
            "        data = c.recv(65536)",
            "        if not data:",
            "            return",
            "        print('BYTES', len(data), flush=True)",
            "while True:",
            "    c, _ = s.accept()",
            "    print('CONNECTED', flush=True)",
            "    threading.Thread(target=serve, args=(c,), daemon=True).start()");

    @TempDir
    Path dir;

    private Path shared;
    private Process server;
    private final List<String> serverOutput = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServerAsAnotherUser() throws Exception {
        assumeTrue(OwnerCheck.ownUid() == 0, "needs root to run a server as another user");
        assumeTrue(Files.isExecutable(SETPRIV) && Files.isExecutable(PYTHON), "needs setpriv and python3");
        // nobody must reach the directory: the temp dir becomes traversable, the shared one writable.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        ProcessBuilder pb = new ProcessBuilder(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", PYTHON.toString(), "-I", "-c", SERVER, socketPath().toString());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        server = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    serverOutput.add(line);
                }
            } catch (IOException ended) {
                // the server was stopped
            }
        }, "foreign-server-output");
        reader.setDaemon(true);
        reader.start();
        assertTrue(LineServer.poll(() -> serverOutput.contains("READY " + NOBODY), 10, SECONDS),
                () -> "the server runs as nobody: " + serverOutput);
        assertEquals(NOBODY, OwnerCheck.ownerUid(socketPath(), LinkOption.NOFOLLOW_LINKS));
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(5, SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private Path socketPath() {
        return shared.resolve("bridge.sock");
    }

    private Path filePath() {
        return dir.resolve("events.jsonl");
    }

    private List<String> bytesReceived() {
        return serverOutput.stream().filter(line -> line.startsWith("BYTES")).toList();
    }

    private long connections() {
        return serverOutput.stream().filter(line -> line.equals("CONNECTED")).count();
    }

    @Test
    void aSocketOfAnotherUserIsNeverWrittenToAndTheEventsGoToTheFile() throws Exception {
        try (StderrCapture log = new StderrCapture()) {
            try (DefaultTrainingEventEmitter e = DefaultTrainingEventEmitter.builder("run-f")
                    .environment(name -> null).properties(name -> null)
                    .socketPath(socketPath()).filePath(filePath())
                    .runStartEvent(false).shutdownHook(false)
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
                    .build()) {
                for (int i = 0; i < 20; i++) {
                    e.emitProgress("training", i * 5.0, "ret_5m", i, 20);
                }
                assertTrue(e.flush());
                // Let it retry the socket a few times, as it would all run long.
                LineServer.poll(() -> e.stats().socketErrors() >= 3, 5, SECONDS);
                EmitterStats stats = e.stats();
                assertEquals(0, stats.writtenToSocket(), stats::toString);
                assertEquals(20, stats.writtenToFile(), stats::toString);
                assertTrue(stats.socketErrors() >= 1, stats::toString);
            }
            String warnings = log.text();
            for (String part : List.of("refusing the event socket " + socketPath(), "belongs to uid " + NOBODY,
                    "events go to the file", TrainingEventEmitterBuilder.SOCKET_ENV)) {
                assertTrue(warnings.contains(part), () -> "'" + part + "' missing from: " + warnings);
            }
        }
        List<JsonNode> events = WireValidator.validateAll(filePath());
        assertEquals(21, events.size(), "20 events and the cancelled run, all in the file");
        assertEquals(0, connections(), "refused by the socket file's owner, before connecting");
        assertEquals(List.of(), bytesReceived());
    }

    @Test
    void peerCredentialsRefuseAnotherUsersServerBehindASocketFileWeOwnThroughJunixsocket() throws Exception {
        assertPeerRefused(new SocketConnector.Junixsocket());
    }

    @Test
    void peerCredentialsRefuseAnotherUsersServerBehindASocketFileWeOwnThroughTheJdk() throws Exception {
        SocketConnector.Jdk jdk = new SocketConnector.Jdk();
        assumeTrue(jdk.hasPeerCredentials(), "the JDK has SO_PEERCRED here");
        assertPeerRefused(jdk);
    }

    private void assertPeerRefused(SocketConnector connector) throws Exception {
        // The file check alone would pass now: only the peer's credentials tell.
        Files.setAttribute(socketPath(), "unix:uid", (int) OwnerCheck.ownUid(), LinkOption.NOFOLLOW_LINKS);
        SocketTransport socket = new SocketTransport(socketPath(), connector, TimeUnit.MILLISECONDS.toNanos(100), 0);
        OwnerCheck.NotOwnedException e = assertThrows(OwnerCheck.NotOwnedException.class, socket::connect);
        assertTrue(e.getMessage().contains("the process listening on it runs as"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(NOBODY)) || e.getMessage().contains("nobody"), e.getMessage());
        assertTrue(!socket.isOpen(), "left disconnected");
        assertTrue(LineServer.poll(() -> connections() == 1, 5, SECONDS), "it did connect, then refused");
        socket.close();
        assertEquals(List.of(), bytesReceived(), "not a byte sent");
    }

    @Test
    void aServerOfOurOwnIsAcceptedByBothConnectors() throws Exception {
        Path own = dir.resolve("own.sock");
        try (LineServer server = LineServer.reading(own)) {
            for (SocketConnector connector : List.of(new SocketConnector.Junixsocket(), new SocketConnector.Jdk())) {
                SocketTransport socket = new SocketTransport(own, connector, TimeUnit.MILLISECONDS.toNanos(100), 0);
                socket.connect();
                assertTrue(socket.isOpen(), connector.name());
                try (var channel = connector.connect(own)) {
                    assertNull(connector.foreignPeer(channel, OwnerCheck.ownUid()), connector.name());
                }
                socket.close();
            }
        }
    }
}
