package dev.foxml.training.events.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A harness, not a test (skipped unless {@code -Dkafka.bench=true}): events per second from one
 * trainer JVM emitting flat out to the bridge's file, through Kafka (trainer → broker → relay →
 * file, all on this machine) and through the local socket (trainer → a reader that appends to a
 * file), in the same run. Each row counts from the first line reaching the destination file to the
 * last, so JVM start-up is left out; the trainer's own emit time is printed beside it.
 *
 * <pre>
 * mvn -B -o -pl integrations/kafka -am test -Dtest=KafkaThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dkafka.bench=true [-Dkafka.bench.events=100000] [-Dkafka.bench.rounds=2]
 * </pre>
 */
@EnabledIfSystemProperty(named = "kafka.bench", matches = "true")
class KafkaThroughputBenchmark {
    private static final Pattern STATS = Pattern.compile("STATS (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) ([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void eventsPerSecondThroughKafkaAndThroughTheSocket() throws Exception {
        int events = Integer.getInteger("kafka.bench.events", 100_000);
        int rounds = Integer.getInteger("kafka.bench.rounds", 2);
        KafkaBroker broker = KafkaBroker.shared();
        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            String topic = "bench-" + round;
            broker.createTopic(topic, 3);
            Path bridgeFile = dir.resolve("kafka-" + round + ".jsonl");
            try (RelayProcess relay = RelayProcess.start(dir, "relay-" + round, "--bootstrap", broker.bootstrap(),
                    "--topic", topic, "--group", topic, "--file", bridgeFile.toString(),
                    "--socket", dir.resolve("no-bridge.sock").toString())) {
                Path trainerFile = dir.resolve("kafka-trainer-" + round + ".jsonl");
                Process trainer = startTrainer(events, List.of(
                        "-Dfoxml.training.event.kafka.bootstrap=" + broker.bootstrap(),
                        "-Dfoxml.training.event.kafka.topic=" + topic,
                        "-Dfoxml.training.event.kafka.max.block.ms=15000",
                        // Flat out, the producer is far behind when the run closes: wait for all of it.
                        "-Dfoxml.training.event.kafka.close.timeout.ms=240000"), trainerFile, dir.resolve("unused.sock"));
                double[] watched = watch(bridgeFile, events + 3L);
                rows.add(row("trainer → Kafka → relay → file", watched, trainerStats(trainer, trainerFile)));
                relay.stop();
            }
            Path socket = dir.resolve("bridge-" + round + ".sock");
            Path socketFile = dir.resolve("socket-" + round + ".jsonl");
            try (SocketReader reader = new SocketReader(socket, socketFile)) {
                Path trainerFile = dir.resolve("socket-trainer-" + round + ".jsonl");
                Process trainer = startTrainer(events, List.of(), trainerFile, socket);
                double[] watched = watch(socketFile, events + 3L);
                rows.add(row("trainer → Unix socket → file", watched, trainerStats(trainer, trainerFile)));
            }
        }
        System.out.println("| path | events | first → last line | events/s | trainer (emit to close, s) | trainer stats |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static String row(String path, double[] watched, String trainerStats) {
        return String.format("| %s | %d | %.2f s | %,.0f | %s |", path, (long) watched[0], watched[1],
                watched[0] / watched[1], trainerStats);
    }

    /** Starts the trainer JVM, flat out. */
    private Process startTrainer(int events, List<String> properties, Path file, Path socket) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx512m");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        command.add("-Dfoxml.training.event.socket=" + socket);
        // The queue holds the whole run: the close waits until it is delivered.
        command.add("-DkafkaTrainer.closeSeconds=300");
        command.addAll(properties);
        command.add(KafkaTrainer.class.getName());
        command.addAll(List.of(file.toString(), "0", Integer.toString(events), "0"));
        Path out = file.resolveSibling(file.getFileName() + ".out");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(out.toFile())).start();
    }

    /** Waits for the trainer; returns its emit-to-close time and its stats. */
    private static String trainerStats(Process p, Path file) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        String out = Files.readString(file.resolveSibling(file.getFileName() + ".out"));
        Matcher m = STATS.matcher(out);
        assertTrue(m.find(), out);
        assertEquals("0", m.group(5), "the emitter dropped nothing: " + out);
        assertEquals("0", m.group(3), "every line through the primary, none to the file: " + out);
        return String.format("%s s | to primary %s, to file %s, dropped %s", m.group(6), m.group(2), m.group(3), m.group(5));
    }

    /**
     * Watches the file grow to {@code lines} lines, reading only what was appended since the last look.
     *
     * @return lines and the seconds from the first byte to the last line
     */
    private static double[] watch(Path file, long lines) throws Exception {
        long first = 0;
        long seen = 0;
        long read = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        while (seen < lines) {
            assertTrue(System.nanoTime() < deadline, "only " + seen + " of " + lines + " lines in " + file);
            if (!Files.exists(file)) {
                Thread.sleep(1);
                continue;
            }
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                in.position(read);
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    read += n;
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        if (buffer.get() == '\n') {
                            seen++;
                        }
                    }
                    buffer.clear();
                }
            }
            if (seen < lines) {
                Thread.sleep(1);
            }
        }
        return new double[] {seen, (System.nanoTime() - first) / 1e9};
    }

    /** A bridge stand-in: accepts connections on a Unix socket and appends what it reads to a file. */
    static final class SocketReader implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Thread thread;

        SocketReader(Path socket, Path file) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            thread = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
                try (out) {
                    while (true) {
                        try (SocketChannel c = server.accept()) {
                            while (c.read(buffer) >= 0) {
                                buffer.flip();
                                while (buffer.hasRemaining()) {
                                    out.write(buffer);
                                }
                                buffer.clear();
                            }
                        }
                    }
                } catch (IOException closed) {
                    // closed by close()
                }
            }, "socket-reader");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }
}
