package dev.foxml.training.events.kafka;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import dev.foxml.training.events.core.LineDelivery;
import dev.foxml.training.events.core.TrainingEventEmitterBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay: consumes training events from a Kafka topic and hands every line to the dashboard's
 * bridge exactly as a local trainer would — to its Unix socket, falling back to the event file,
 * through emitter-core's own delivery — so that the bridge and the view show runs from every
 * host unchanged.
 *
 * <pre>
 * java -jar training-events-relay.jar --bootstrap HOST:PORT [--topic T] [--group G]
 *      [--socket PATH] [--file PATH] [--state PATH] [--max-emitters N] [--max-line-bytes N]
 * </pre>
 *
 * <p>Each poll's lines are checked (one JSON object with {@code emitter_id} and {@code seq}, at
 * most {@value #DEFAULT_MAX_LINE_BYTES} bytes; others are counted and skipped with a
 * rate-limited warning), filtered through {@link DeliveredSeqs} (a line already delivered is
 * dropped), written in one delivery, recorded in the state file, and only then are the offsets
 * committed. A batch neither the socket nor the file could take is not committed: the consumer
 * goes back to its first record and tries again after a pause.
 */
public final class Relay implements AutoCloseable {
    /** The consumer group of the relay unless {@code --group} says otherwise. */
    public static final String DEFAULT_GROUP = "foxml-training-events-relay";
    /** The longest line relayed; the emitter's own lines are at most 557 056 bytes. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    /** The most emitters whose delivered seqs are remembered. */
    public static final int DEFAULT_MAX_EMITTERS = 100_000;
    /** How much of the event file's end is read on start to learn what was delivered. */
    static final int TAIL_BYTES = 4 << 20;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration UNASSIGNED_WARNING = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final LineDelivery delivery;
    private final DeliveredSeqs seqs;
    private final LineIdentity identity;
    private final Warnings warnings = new Warnings(TimeUnit.SECONDS.toNanos(30));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private final String bootstrap;
    private long unassignedSince = System.nanoTime();

    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong badRecords = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong commitFailures = new AtomicLong();

    /** What the relay was asked to do: the command line resolved against properties and environment. */
    static final class Options {
        String bootstrap;
        String topic = KafkaSettings.DEFAULT_TOPIC;
        String group = DEFAULT_GROUP;
        Path socket;
        Path file;
        Path state;
        int maxEmitters = DEFAULT_MAX_EMITTERS;
        int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        Map<String, String> clientSettings = new HashMap<>();

        static Options parse(String[] args, KafkaSettings settings) {
            Options o = new Options();
            o.bootstrap = settings.get(KafkaSettings.BOOTSTRAP_PROPERTY, KafkaSettings.BOOTSTRAP_ENV);
            String topic = settings.get(KafkaSettings.TOPIC_PROPERTY, KafkaSettings.TOPIC_ENV);
            if (topic != null) {
                o.topic = topic;
            }
            o.clientSettings.putAll(settings.passThrough());
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--bootstrap": o.bootstrap = value; break;
                    case "--topic": o.topic = value; break;
                    case "--group": o.group = value; break;
                    case "--socket": o.socket = Path.of(value).toAbsolutePath(); break;
                    case "--file": o.file = Path.of(value).toAbsolutePath(); break;
                    case "--state": o.state = Path.of(value).toAbsolutePath(); break;
                    case "--max-emitters": o.maxEmitters = positive(name, value); break;
                    case "--max-line-bytes": o.maxLineBytes = positive(name, value); break;
                    default:
                        throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
                }
            }
            if (o.bootstrap == null || o.bootstrap.isBlank()) {
                throw new IllegalArgumentException("no Kafka bootstrap address: pass --bootstrap HOST:PORT (or set "
                        + KafkaSettings.BOOTSTRAP_ENV + ")");
            }
            if (o.topic.isBlank()) {
                throw new IllegalArgumentException("the topic is empty: pass --topic NAME or leave it out for "
                        + KafkaSettings.DEFAULT_TOPIC);
            }
            return o;
        }

        private static int positive(String name, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new IllegalArgumentException(name + " is '" + value + "': give a positive whole number");
        }
    }

    static final String USAGE = "usage: java -jar training-events-relay.jar --bootstrap HOST:PORT [--topic T]"
            + " [--group G] [--socket PATH] [--file PATH] [--state PATH] [--max-emitters N] [--max-line-bytes N]";

    Relay(Options options) throws IOException {
        TrainingEventEmitterBuilder where = DefaultTrainingEventEmitter.builder("relay");
        if (options.socket != null) {
            where.socketPath(options.socket);
        }
        if (options.file != null) {
            where.filePath(options.file);
        }
        // The relay hands lines to the bridge: Kafka, which it reads from, is never its primary.
        where.setting(KafkaSettings.SHORT_PREFIX + KafkaSettings.PRIMARY, "false");
        this.delivery = LineDelivery.open(where);
        this.topic = options.topic;
        this.bootstrap = options.bootstrap;
        this.identity = new LineIdentity(options.maxLineBytes);
        Path state = options.state != null ? options.state
                : delivery.filePath().resolveSibling(delivery.filePath().getFileName() + ".relay-state");
        this.seqs = new DeliveredSeqs(options.maxEmitters, state);
        int known = seqs.load();
        int fromFile = learnFromFileTail(delivery.filePath());
        seqs.commit();
        warnings.info("relay: " + known + " emitters known from " + state + ", " + fromFile
                + " lines read back from the end of " + delivery.filePath());

        Map<String, Object> config = new HashMap<>(options.clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, options.group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "foxml-training-events-relay");
        // A relay restarted after a crash gets its partitions once the broker gives up on the old
        // one: 10 s instead of the client's 45 s of no events on the dashboard.
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Lines of the event file written just before a restart may not be in the state file yet
     * (the relay was killed between the two writes); reading them back keeps them from being
     * written twice. Lines that went to the socket are covered by the state file alone.
     */
    private int learnFromFileTail(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        byte[] tail;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            int n = (int) Math.min(size, TAIL_BYTES);
            tail = new byte[n];
            f.seek(size - n);
            f.readFully(tail);
        }
        int lines = 0;
        int start = 0;
        for (int i = 0; i < tail.length; i++) {
            if (tail[i] != '\n') {
                continue;
            }
            if (identity.read(tail, start, i - start)) {
                seqs.alreadyDelivered(identity.emitterId(), identity.seq());
                lines++;
            }
            start = i + 1;
        }
        return lines;
    }

    /**
     * Runs the relay (the caller's thread) until {@link #stop()} is called.
     */
    public void run() {
        consumer.subscribe(List.of(topic));
        try {
            while (!stopping) {
                step();
            }
        } catch (WakeupException woken) {
            // stop() while polling or committing
        } finally {
            close();
            stopped.countDown();
        }
    }

    private void step() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
            delivery.maintain();
            if (consumer.assignment().isEmpty()) {
                long since = System.nanoTime() - unassignedSince;
                if (since > UNASSIGNED_WARNING.toNanos()) {
                    warnings.warn("unassigned", "no partition of " + topic + " assigned for "
                            + TimeUnit.NANOSECONDS.toSeconds(since) + " s: is a broker of " + bootstrap
                            + " reachable, and the topic there?");
                }
            } else {
                unassignedSince = System.nanoTime();
            }
            return;
        }
        unassignedSince = System.nanoTime();
        Map<TopicPartition, Long> first = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.putIfAbsent(tp, r.offset());
            next.put(tp, new OffsetAndMetadata(r.offset() + 1));
            byte[] line = r.value();
            int length = line == null ? 0 : line.length;
            if (!identity.read(line, 0, length)) {
                long bad = badRecords.incrementAndGet();
                warnings.warn("bad-record", "skipped a record the bridge could not use (" + identity.problem().description
                        + ") at " + tp + " offset " + r.offset() + "; " + bad + " skipped so far");
                continue;
            }
            switch (seqs.offer(identity.emitterId(), identity.seq())) {
                case DUPLICATE:
                    duplicates.incrementAndGet();
                    continue;
                case LATE:
                    late.incrementAndGet();
                    break;
                default:
                    break;
            }
            delivery.add(line, 0, length);
        }
        int lines = delivery.pendingLines();
        int lost = delivery.flush();
        if (lost > 0) {
            // Nobody took them (no bridge, and the file cannot be written): keep them in Kafka.
            seqs.rollback();
            retries.incrementAndGet();
            warnings.warn("undeliverable", "neither the bridge's socket " + delivery.socketPath() + " nor the file "
                    + delivery.filePath() + " took " + lost + " lines; retrying from Kafka");
            first.forEach(consumer::seek);
            pause();
            return;
        }
        delivered.addAndGet(lines);
        try {
            seqs.commit();
        } catch (IOException e) {
            warnings.warn("state", "cannot write the relay's state file (" + e.getMessage()
                    + "): a relay restart may show recent lines twice");
        }
        try {
            consumer.commitSync(next, COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            // The lines are written and recorded in the state: consumed again later, they are dropped.
            commitFailures.incrementAndGet();
            warnings.warn("commit", "cannot commit the consumer's offsets (" + e.getClass().getSimpleName()
                    + "); lines consumed again are recognised as already delivered");
        }
    }

    private void pause() {
        try {
            stopped.await(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Asks {@link #run()} to return; it closes the consumer and the delivery. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    /**
     * Waits for {@link #run()} to end.
     *
     * @param timeout the longest wait
     * @return whether it ended
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the consumer (without committing anything more), the delivery and the state file. */
    @Override
    public void close() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException ignored) {
            // closing: the offsets of delivered lines are already committed
        }
        delivery.close();
        seqs.close();
    }

    /**
     * Returns a one-line summary of the counters, for the log.
     *
     * @return a one-line summary of the counters, for the log
     */
    String summary() {
        return "delivered " + delivered + ", duplicates dropped " + duplicates + ", late " + late
                + ", bad records skipped " + badRecords + ", retries " + retries + ", failed commits " + commitFailures;
    }

    /**
     * Starts the relay; see the class description for the options.
     *
     * @param args the command line
     * @throws Exception when the relay cannot start
     */
    public static void main(String[] args) throws Exception {
        // The relay jar logs through slf4j-simple: the Kafka client's INFO lines (every setting at
        // start-up, every reconnect) would drown the relay's own, unless the operator asks for them.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
            // Its warning per connection attempt (every second while a broker is down) too: the
            // relay says itself, once per interval, that it has nothing to consume from.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        }
        Options options;
        try {
            options = Options.parse(args, KafkaSettings.ofProcess());
        } catch (IllegalArgumentException e) {
            System.err.println("training-events-relay: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Relay relay = new Relay(options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.stop();
            try {
                relay.awaitStopped(Duration.ofSeconds(10));
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            relay.warnings.info("relay stopped: " + relay.summary());
        }, "relay-shutdown"));
        relay.warnings.info("relay: " + options.bootstrap + " topic " + options.topic + " group " + options.group
                + " -> socket " + relay.delivery.socketPath() + ", file " + relay.delivery.filePath());
        System.out.println("RELAY-READY");
        System.out.flush();
        relay.run();
    }
}
