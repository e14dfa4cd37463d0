package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The monitor on a real Unix socket and a real file. */
class TrainingMonitorTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<MonitorState.Update.Kind> updates = new ArrayList<>();
    private boolean finished;

    private final MonitorOutput recorder = new MonitorOutput() {
        @Override
        public void update(MonitorState.Update update, MonitorState state, Instant now) {
            updates.add(update.kind());
        }

        @Override
        public void refresh(MonitorState state, Instant now) {
        }

        @Override
        public void finish(MonitorState state, Instant now) {
            finished = true;
        }
    };

    @Test
    void seesEachEventOnceWhetherItCameBySocketByFileOrBoth() throws Exception {
        Path socket = dir.resolve("events.sock");
        Path file = dir.resolve("events.jsonl");
        TrainingMonitor monitor = new TrainingMonitor(socket, file, false, recorder, Clock.systemUTC());
        monitor.start();
        try {
            String[] lines = new String[5];
            for (int i = 0; i < 4; i++) {
                lines[i] = "{\"event_type\": \"progress\", \"stage\": \"training\", \"progress_pct\": " + (i * 25)
                        + ", \"run_id\": \"r\", \"timestamp\": \"2026-01-21T12:00:0" + i + ".000000+00:00\", \"seq\": " + (i + 1) + "}";
            }
            lines[4] = "{\"event_type\": \"run_complete\", \"status\": \"success\", \"run_id\": \"r\","
                    + " \"timestamp\": \"2026-01-21T12:00:09.000000+00:00\", \"seq\": 5}";

            try (SocketChannel trainer = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                trainer.connect(UnixDomainSocketAddress.of(socket));
                // Lines 1-3 by socket, cut at awkward places.
                String sent = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n";
                int cut = sent.length() / 3;
                write(trainer, sent.substring(0, cut));
                write(trainer, sent.substring(cut));
                // Lines 2-4 by file: 2 and 3 replayed (same seq), 4 only there.
                append(file, lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n");

                processUntil(monitor, () -> monitor.state().events() == 4 && monitor.state().duplicates() == 2);
                assertEquals(75.0, monitor.state().progressPct());
                assertTrue(monitor.state().running());
            }
            // The trainer's connection closed before run_complete.
            processUntil(monitor, () -> monitor.state().connectionLost());

            append(file, lines[4] + "\n");
            processUntil(monitor, () -> monitor.state().finished());
            assertFalse(monitor.state().connectionLost());
            assertEquals(Duration.ofSeconds(9), monitor.state().elapsed(Instant.now()));
        } finally {
            monitor.close();
        }
        assertTrue(finished);
        assertFalse(Files.exists(socket), "the socket file is removed on close");
        assertEquals(0, updates.stream().filter(k -> k == MonitorState.Update.Kind.MALFORMED).count());
    }

    @Test
    void settleTakesInWhatATrainerSentBeforeItClosed() throws Exception {
        Path socket = dir.resolve("events.sock");
        TrainingMonitor monitor = new TrainingMonitor(socket, null, false, recorder, Clock.systemUTC());
        monitor.start();
        try {
            try (SocketChannel trainer = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                trainer.connect(UnixDomainSocketAddress.of(socket));
                write(trainer, error(1));
                // Connected and accepted, as a trainer is long before it finishes.
                processUntil(monitor, () -> monitor.state().errorCount() == 1);
                StringBuilder burst = new StringBuilder();
                for (int i = 2; i <= 2000; i++) {
                    burst.append(error(i));
                }
                write(trainer, burst.toString());
            }
            monitor.settle(DEADLINE);
            assertEquals(2000, monitor.state().errorCount());
        } finally {
            monitor.close();
        }
    }

    private static String error(int seq) {
        return "{\"event_type\": \"error\", \"error_message\": \"e" + seq
                + "\", \"error_type\": \"t\", \"recoverable\": true, \"run_id\": \"r\", \"seq\": " + seq + "}\n";
    }

    @Test
    void replacesASocketFileLeftByAReaderThatIsGone() throws Exception {
        Path socket = dir.resolve("events.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close();
        assertTrue(Files.exists(socket), "closing a Unix server socket leaves its file behind");

        TrainingMonitor monitor = new TrainingMonitor(socket, null, false, recorder, Clock.systemUTC());
        monitor.start();
        monitor.close();
    }

    @Test
    void doesNotTakeOverASocketSomeoneIsListeningOn() throws Exception {
        Path socket = dir.resolve("events.sock");
        try (ServerSocketChannel bridge = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            bridge.bind(UnixDomainSocketAddress.of(socket));
            TrainingMonitor monitor = new TrainingMonitor(socket, null, false, recorder, Clock.systemUTC());
            IOException refused = assertThrows(IOException.class, monitor::start);
            assertTrue(refused.getMessage().contains("already listening"), refused.getMessage());
            assertTrue(Files.exists(socket), "the live listener's socket is left alone");
        }
    }

    @Test
    void readsItsOptions() {
        TrainingMonitor.Options options = TrainingMonitor.Options.parse(new String[] {
                "--socket", "/s", "--no-file", "--from-end", "--metric", "val_auc", "--plain", "--exit-on-complete"});
        assertEquals(new TrainingMonitor.Options(Path.of("/s"), null, true, false, true, "val_auc", false), options);
        assertTrue(TrainingMonitor.Options.parse(new String[] {"-h"}).help());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TrainingMonitor.Options.parse(new String[] {"--metric", "--plain"}));
        assertEquals("--metric needs a value", missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TrainingMonitor.Options.parse(new String[] {"--colour"}));
        assertEquals("unknown option --colour", unknown.getMessage());
        assertTrue(TrainingMonitor.usage().contains("--metric NAME"));
    }

    private static void processUntil(TrainingMonitor monitor, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within " + DEADLINE);
            }
            monitor.processFor(Duration.ofMillis(50));
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
