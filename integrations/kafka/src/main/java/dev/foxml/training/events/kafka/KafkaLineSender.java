package dev.foxml.training.events.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sends encoded training-event lines to a Kafka topic: one record per line, the value the exact
 * line without its newline, the key the emitter's id (so that one emitter's lines stay on one
 * partition, in order). The producer is idempotent with {@code acks=all}, so a retry inside the
 * client never writes a line twice.
 *
 * <p>{@link #send(String, List)} never blocks its caller longer than {@code max.block.ms}
 * (default 5 s) in all: should the client wait that long (no broker reachable, its buffer full),
 * the rest of the batch is reported failed at once instead of sent. Each line is then either
 * confirmed by the broker or failed within {@code delivery.timeout.ms} (default 30 s), and
 * {@link Sending#failed()} hands back the lines that were not confirmed, in order, for the caller
 * to write to its fallback file.
 *
 * <p>Settings, in order of precedence: this builder, system properties
 * ({@value KafkaSettings#BOOTSTRAP_PROPERTY}, {@value KafkaSettings#TOPIC_PROPERTY}, and
 * {@code foxml.training.event.kafka.<producer setting>} for every other producer setting, SASL and
 * SSL included), environment variables ({@value KafkaSettings#BOOTSTRAP_ENV},
 * {@value KafkaSettings#TOPIC_ENV}, {@code FOXML_TRAINING_EVENT_KAFKA_<SETTING>}), defaults (topic
 * {@value KafkaSettings#DEFAULT_TOPIC}). No setting's value is ever logged.
 *
 * <p>Thread-safe, as the Kafka producer is; meant for one writer thread.
 *
 * <p>One class because the producer's settings, their checks and the send bookkeeping change
 * together with the client version; about a third of it is documentation of those settings.
 */
public final class KafkaLineSender implements AutoCloseable {
    /** The system property naming the brokers ({@code host:port,...}). */
    public static final String BOOTSTRAP_PROPERTY = KafkaSettings.BOOTSTRAP_PROPERTY;
    /** The environment variable naming the brokers, when the property is not set. */
    public static final String BOOTSTRAP_ENV = KafkaSettings.BOOTSTRAP_ENV;
    /** The system property naming the topic. */
    public static final String TOPIC_PROPERTY = KafkaSettings.TOPIC_PROPERTY;
    /** The environment variable naming the topic, when the property is not set. */
    public static final String TOPIC_ENV = KafkaSettings.TOPIC_ENV;
    /** The topic unless configured otherwise. */
    public static final String DEFAULT_TOPIC = KafkaSettings.DEFAULT_TOPIC;
    /** {@code max.block.ms} unless configured otherwise. */
    public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);
    /** {@code delivery.timeout.ms} unless configured otherwise. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String bootstrap;
    private final long maxBlockNanos;
    private final long deliveryTimeoutMillis;
    private final String settingsDescription;

    private KafkaLineSender(Prepared prepared) {
        this.producer = new KafkaProducer<>(prepared.config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = prepared.topic;
        this.bootstrap = prepared.bootstrap;
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(prepared.maxBlockMillis);
        this.deliveryTimeoutMillis = prepared.deliveryTimeoutMillis;
        this.settingsDescription = prepared.description();
    }

    /**
     * Validated settings from which senders are created: the transport creates a new producer
     * each time it opens, from the settings checked once when the emitter was built.
     */
    static final class Prepared {
        final Map<String, Object> config;
        final String topic;
        final String bootstrap;
        final long maxBlockMillis;
        final long deliveryTimeoutMillis;

        Prepared(Map<String, Object> config, String topic, String bootstrap, long maxBlockMillis,
                long deliveryTimeoutMillis) {
            this.config = Collections.unmodifiableMap(config);
            this.topic = topic;
            this.bootstrap = bootstrap;
            this.maxBlockMillis = maxBlockMillis;
            this.deliveryTimeoutMillis = deliveryTimeoutMillis;
        }

        /** The settings for a log line, values hidden unless known to be harmless. */
        String description() {
            return ProducerSettings.describe(config);
        }

        /**
         * Creates a sender (its producer, which connects lazily).
         *
         * @throws org.apache.kafka.common.KafkaException when the client cannot be created
         */
        KafkaLineSender create() {
            return new KafkaLineSender(this);
        }
    }

    /**
     * Returns a builder that reads unset values from the process's system properties and environment.
     *
     * @return a builder that reads unset values from the process's system properties and environment
     */
    public static Builder builder() {
        return new Builder(KafkaSettings.ofProcess());
    }

    /** A builder that reads unset values from the given settings instead of the process's. */
    static Builder builder(KafkaSettings settings) {
        return new Builder(settings);
    }

    /**
     * Returns the topic lines are sent to.
     *
     * @return the topic lines are sent to
     */
    public String topic() {
        return topic;
    }

    /**
     * Sends a batch of lines of one emitter. Returns once every line was handed to the client or
     * reported failed, at most {@code max.block.ms} after the call; never throws for a broker
     * problem (those are reported in the result).
     *
     * @param key the emitter's id: the record key of every line
     * @param lines the encoded lines, each with or without its final newline (which is not sent)
     * @return the batch's outcome, complete within {@code delivery.timeout.ms}
     */
    public Sending send(String key, List<byte[]> lines) {
        Objects.requireNonNull(key, "key");
        Sending sending = new Sending(lines);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            if (sending.givenUp != null) {
                sending.complete(i, sending.givenUp);
                continue;
            }
            int length = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
            byte[] value = length == line.length ? line : Arrays.copyOf(line, length);
            int index = i;
            try {
                producer.send(new ProducerRecord<>(topic, keyBytes, value),
                        (metadata, error) -> sending.complete(index, error));
            } catch (RuntimeException e) {
                // Not an ApiException (those come through the callback): closed producer, bad record.
                sending.complete(i, e);
            }
            Throwable early = sending.firstError();
            if (early != null) {
                // Failed before the send returned (no metadata within max.block.ms, topic unknown,
                // not authorised): the rest of the batch would fail alike, one wait each.
                sending.givenUp = early;
            } else if (System.nanoTime() - start >= maxBlockNanos) {
                sending.givenUp = new org.apache.kafka.common.errors.TimeoutException(
                        "the producer blocked for max.block.ms in all; the rest of the batch was not sent");
            }
        }
        return sending;
    }

    /**
     * Waits at most {@code max.block.ms} for the topic's partitions: whether the broker can be
     * reached and the topic exists (or is created).
     *
     * @return how many partitions the topic has
     * @throws org.apache.kafka.common.KafkaException when they could not be had in time
     */
    int partitions() {
        return producer.partitionsFor(topic).size();
    }

    /**
     * Hands one record to the client (the transport's path: its own bookkeeping per line).
     *
     * @return the client's future: already done (failed) when the record was refused before it
     *     was queued, e.g. no metadata within {@code max.block.ms}
     */
    java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendOne(byte[] key, byte[] value,
            org.apache.kafka.clients.producer.Callback callback) {
        return producer.send(new ProducerRecord<>(topic, key, value), callback);
    }

    /** The bootstrap servers, for messages. */
    String bootstrap() {
        return bootstrap;
    }

    /** {@code max.block.ms} in nanoseconds. */
    long maxBlockNanos() {
        return maxBlockNanos;
    }

    /** {@code delivery.timeout.ms}. */
    long deliveryTimeoutMillis() {
        return deliveryTimeoutMillis;
    }

    /** The producer settings, values hidden unless known to be harmless (for a log line). */
    String describeSettings() {
        return settingsDescription;
    }

    /**
     * Sends whatever the client still holds, waiting at most {@code timeout}; lines not confirmed
     * by then are reported failed through their {@link Sending}.
     *
     * @param timeout the longest wait
     */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    /** Closes the client, waiting at most {@code max.block.ms} for lines it still holds. */
    @Override
    public void close() {
        close(Duration.ofNanos(maxBlockNanos));
    }

    /**
     * Returns where lines go, without any setting that may be secret.
     *
     * @return where lines go, without any setting that may be secret
     */
    @Override
    public String toString() {
        return "KafkaLineSender[" + bootstrap + " topic " + topic + "]";
    }

    /**
     * The outcome of one {@link #send(String, List)}: which lines the broker confirmed and which
     * failed (broker down, topic missing, not authorised, ...). Complete when every line has one.
     */
    public static final class Sending {
        private final List<byte[]> lines;
        private final Throwable[] errors;
        private final boolean[] done;
        private final CountDownLatch outstanding;
        private Throwable firstError;
        Throwable givenUp;

        Sending(List<byte[]> lines) {
            this.lines = lines;
            this.errors = new Throwable[lines.size()];
            this.done = new boolean[lines.size()];
            this.outstanding = new CountDownLatch(lines.size());
        }

        synchronized void complete(int index, Throwable error) {
            if (done[index]) {
                return;
            }
            done[index] = true;
            errors[index] = error;
            if (error != null && firstError == null) {
                firstError = error;
            }
            outstanding.countDown();
        }

        synchronized Throwable firstError() {
            return firstError;
        }

        /**
         * Returns the number of lines in the batch.
         *
         * @return the number of lines in the batch
         */
        public int lines() {
            return lines.size();
        }

        /**
         * Returns whether every line is confirmed or failed.
         *
         * @return whether every line is confirmed or failed
         */
        public boolean isDone() {
            return outstanding.getCount() == 0;
        }

        /**
         * Waits for every line to be confirmed or failed.
         *
         * @param timeout the longest wait
         * @return whether the batch is complete
         * @throws InterruptedException when interrupted while waiting
         */
        public boolean await(Duration timeout) throws InterruptedException {
            return outstanding.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /**
         * Returns the number of lines the broker confirmed so far.
         *
         * @return the number of lines the broker confirmed so far
         */
        public synchronized int confirmed() {
            int n = 0;
            for (int i = 0; i < done.length; i++) {
                if (done[i] && errors[i] == null) {
                    n++;
                }
            }
            return n;
        }

        /**
         * Returns the lines that failed so far, in the order they were given (the caller's arrays).
         *
         * @return the lines that failed so far, in the order they were given (the caller's arrays)
         */
        public synchronized List<byte[]> failed() {
            List<byte[]> failed = new ArrayList<>();
            for (int i = 0; i < done.length; i++) {
                if (done[i] && errors[i] != null) {
                    failed.add(lines.get(i));
                }
            }
            return Collections.unmodifiableList(failed);
        }

        /**
         * Why the first line failed.
         *
         * @return why the first line failed, or null: the exception's class and message only
         *     (never a setting or a line), for a warning
         */
        public synchronized String cause() {
            return firstError == null ? null : firstError.getClass().getSimpleName() + ": " + firstError.getMessage();
        }
    }

    /** Configures a {@link KafkaLineSender}; unset values come from properties, environment and defaults. */
    public static final class Builder {
        private final KafkaSettings settings;
        private Duration defaultMaxBlock = DEFAULT_MAX_BLOCK;
        private int defaultBatchBytes;
        private String bootstrap;
        private String topic;
        private final Map<String, String> producerSettings = new HashMap<>();

        Builder(KafkaSettings settings) {
            this.settings = settings;
        }

        /**
         * The Kafka brokers to send to, over what properties and environment say.
         *
         * @param bootstrap the brokers, {@code host:port[,host:port...]}
         * @return this builder
         */
        public Builder bootstrap(String bootstrap) {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            return this;
        }

        /** The {@code batch.size} used unless a setting names one (the transport's is larger than the client's). */
        Builder defaultBatchBytes(int bytes) {
            this.defaultBatchBytes = bytes;
            return this;
        }

        /** The {@code max.block.ms} used unless a setting names one (the transport's is shorter). */
        Builder defaultMaxBlock(Duration maxBlock) {
            this.defaultMaxBlock = maxBlock;
            return this;
        }

        /**
         * The topic, over what properties and environment say (default {@code foxml.training.events}).
         *
         * @param topic the topic lines are sent to
         * @return this builder
         */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /**
         * A Kafka producer setting, over what properties and environment say.
         *
         * @param name the producer setting, e.g. {@code security.protocol} or {@code delivery.timeout.ms}
         * @param value its value
         * @return this builder
         */
        public Builder producerSetting(String name, String value) {
            producerSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Kafka producer settings, over what properties and environment say.
         *
         * @param settings producer setting names and values
         * @return this builder
         */
        public Builder producerSettings(Map<String, String> settings) {
            settings.forEach(this::producerSetting);
            return this;
        }

        /**
         * Validates the settings and creates the producer (which connects lazily).
         *
         * @return the sender
         * @throws IllegalArgumentException when a setting is missing or unusable; the message
         *     names it (never its value when it may be a secret) and the fix
         */
        public KafkaLineSender build() {
            Prepared prepared = prepare();
            try {
                return prepared.create();
            } catch (org.apache.kafka.common.KafkaException e) {
                throw unusable(e);
            }
        }

        /**
         * Validates the settings without creating a producer (no thread, no connection).
         *
         * @throws IllegalArgumentException as {@link #build()}
         */
        Prepared prepare() {
            String servers = bootstrap != null ? bootstrap
                    : settings.get(KafkaSettings.BOOTSTRAP_PROPERTY, KafkaSettings.BOOTSTRAP_ENV);
            if (servers == null || servers.isBlank()) {
                throw new IllegalArgumentException("no Kafka bootstrap address: call bootstrap(\"host:port\"), or set "
                        + KafkaSettings.BOOTSTRAP_PROPERTY + " or " + KafkaSettings.BOOTSTRAP_ENV);
            }
            String name = topic != null ? topic : settings.get(KafkaSettings.TOPIC_PROPERTY, KafkaSettings.TOPIC_ENV);
            if (name == null) {
                name = KafkaSettings.DEFAULT_TOPIC;
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException((topic != null ? "topic(...)"
                        : settings.origin(KafkaSettings.TOPIC_PROPERTY, KafkaSettings.TOPIC_ENV))
                        + " is empty: name the topic, or leave it unset for " + KafkaSettings.DEFAULT_TOPIC);
            }
            Map<String, Object> config = new HashMap<>(settings.passThrough());
            config.putAll(producerSettings);
            require(config, ProducerConfig.ACKS_CONFIG, "all", "-1");
            require(config, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
            config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(defaultMaxBlock.toMillis()));
            config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    Long.toString(DEFAULT_DELIVERY_TIMEOUT.toMillis()));
            // request.timeout.ms + linger.ms must stay within delivery.timeout.ms (the client checks).
            long delivery = millis(config, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
            config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, delivery / 3)));
            config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
            if (defaultBatchBytes > 0) {
                config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(defaultBatchBytes));
            }
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "foxml-training-events");
            long maxBlock = millis(config, ProducerConfig.MAX_BLOCK_MS_CONFIG);
            Map<String, Object> checked = new HashMap<>(config);
            checked.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            checked.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try {
                // Types, ranges and the idempotent producer's own rules, as the client checks them.
                new ProducerConfig(checked);
            } catch (org.apache.kafka.common.KafkaException e) {
                throw unusable(e);
            }
            return new Prepared(config, name, servers, maxBlock, delivery);
        }

        /**
         * The client's message names the setting; it may quote the value, which is shown only
         * when the setting is one known to hold no secret.
         */
        private static IllegalArgumentException unusable(org.apache.kafka.common.KafkaException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean harmless = false;
            if (e instanceof org.apache.kafka.common.config.ConfigException) {
                for (String name : ProducerSettings.shown()) {
                    if (message.contains("configuration " + name + ":") || message.contains("configuration " + name + " ")) {
                        harmless = true;
                    }
                }
            }
            return new IllegalArgumentException("the Kafka producer settings are unusable: "
                    + (harmless ? message : ProducerSettings.settingNamed(message, e)));
        }

        private static void require(Map<String, Object> config, String name, String... allowed) {
            Object value = config.get(name);
            if (value != null && !Arrays.asList(allowed).contains(value.toString().trim().toLowerCase(java.util.Locale.ROOT))) {
                // acks and enable.idempotence are never secrets: their value helps the fix.
                throw new IllegalArgumentException("the producer setting " + name + " is '" + value
                        + "': training events need " + name + "=" + allowed[0]
                        + " (no line lost or written twice by a retry); remove the setting");
            }
        }

        private static long millis(Map<String, Object> config, String name) {
            Object value = config.get(name);
            try {
                long ms = Long.parseLong(value.toString().trim());
                if (ms < 0) {
                    throw new NumberFormatException();
                }
                return ms;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the producer setting " + name + " is '" + value
                        + "': give a whole number of milliseconds");
            }
        }
    }
}
