package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) in a child JVM, so that tests can
 * SIGKILL it: formatted with {@code kafka.tools.StorageTool}, run with {@code kafka.Kafka}, bound
 * to 127.0.0.1 on free ports, its log directory under the test's temporary directory, at most
 * 512 MB of heap. {@link #kill()} and {@link #start()} restart it on the same ports and data.
 */
final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final Path properties;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    private KafkaBroker(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.controllerPort = freePort();
        this.properties = dir.resolve("server.properties");
        String text = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                // A broker restarted after SIGKILL waits out its old registration: keep that short.
                "broker.session.timeout.ms=3000",
                "broker.heartbeat.interval.ms=500",
                "auto.create.topics.enable=true",
                "") ;
        Files.writeString(properties, text);
    }

    private static KafkaBroker shared;

    /**
     * The broker every test class of this module shares (started on first use, SIGKILLed when
     * the test JVM exits): one start of a few seconds instead of one per class. Tests use topics
     * and consumer groups of their own; a test that kills it restarts it before it ends.
     */
    static synchronized KafkaBroker shared() throws Exception {
        if (shared == null) {
            // In the module's build directory, not in /tmp: a killed test JVM leaves it for mvn clean.
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            Path dir = Files.createTempDirectory(target, "kafka-broker-");
            KafkaBroker broker = startIn(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    broker.kill();
                    deleteTree(dir);
                } catch (Exception ignored) {
                    // the JVM is exiting
                }
            }, "kafka-broker-stop"));
            shared = broker;
        }
        return shared;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Formats the storage and starts the broker; returns once it answers.
     *
     * @param dir an empty directory of the test's own
     */
    static KafkaBroker startIn(Path dir) throws Exception {
        KafkaBroker broker = new KafkaBroker(dir);
        long t0 = System.nanoTime();
        broker.format();
        broker.start();
        System.out.printf("kafka broker: formatted and answering after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** In this JVM: the tool only writes a few files, and a JVM of its own costs seconds more. */
    private void format() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code;
        try (java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8)) {
            code = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", properties.toString(), "--standalone"}, print);
        }
        if (code != 0) {
            throw new IllegalStateException("formatting the Kafka storage failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Starts the broker (again) on the same ports and data; returns once it answers. */
    void start() throws Exception {
        starts++;
        long t0 = System.nanoTime();
        process = java(List.of("-Xmx512m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "kafka.Kafka", properties.toString()), dir.resolve("broker-" + starts + ".log"));
        awaitAnswering(Duration.ofSeconds(120));
        System.out.printf("kafka broker: start %d answering after %.1f s%n", starts, (System.nanoTime() - t0) / 1e9);
    }

    /** SIGKILL: no clean shutdown, as a crashed machine. */
    void kill() throws InterruptedException {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Creates a topic (idempotently) and waits until it can be used.
     *
     * @param partitions how many partitions
     */
    void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    private void awaitAnswering(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + ": "
                            + tail(dir.resolve("broker-" + starts + ".log")));
                }
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    // starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Kafka broker did not answer within " + timeout + ": "
                            + tail(dir.resolve("broker-" + starts + ".log")));
                }
                Thread.sleep(200);
            }
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private Process java(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        command.add("-Djava.net.preferIPv4Stack=true");
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
