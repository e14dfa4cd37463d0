package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.RateLimitedLog;

/**
 * An asynchronous emitter's {@link FailoverDelivery}, made by the writer thread when it first
 * uses it. The transport providers are asked when this is made, by the builder, so that one that
 * finds its settings unusable fails the build; the socket and file transports and the delivery
 * itself, and the classes behind them, are milliseconds of a fresh JVM that
 * {@code TrainingEvents.init} need not wait for.
 *
 * <p>Not thread-safe: its one user is the writer thread.
 */
public final class DeliveryMadeAtFirstUse implements Delivery {
    private final EmitterConfig config;
    /** A provider's primary, made (and its settings checked) by the builder; null for the socket. */
    private final Transport fromProvider;
    private final Counters counters;
    private final RateLimitedLog log;
    private FailoverDelivery made;

    private DeliveryMadeAtFirstUse(EmitterConfig config, Transport fromProvider, Counters counters,
            RateLimitedLog log) {
        this.config = config;
        this.fromProvider = fromProvider;
        this.counters = counters;
        this.log = log;
    }

    /**
     * Asks the transport providers for {@code config}'s primary now; the rest waits for the first use.
     *
     * @param config the emitter's settings
     * @param counters where deliveries, failures and losses are counted
     * @param log the delivery's log (where events go, failures)
     * @return a delivery that has not yet opened anything, to be used by one thread at a time
     * @throws IllegalArgumentException when a provider finds its settings unusable; the message names the setting
     */
    public static DeliveryMadeAtFirstUse forConfig(EmitterConfig config, Counters counters, RateLimitedLog log) {
        return new DeliveryMadeAtFirstUse(config, PrimaryTransports.fromProviders(config, log), counters, log);
    }

    private FailoverDelivery made() {
        FailoverDelivery d = made;
        if (d == null) {
            Transport primary = fromProvider != null ? fromProvider : PrimaryTransports.socket(config);
            d = FailoverDelivery.of(config, primary, new FileTransport(config.filePath()), counters, log);
            made = d;
        }
        return d;
    }

    @Override
    public void deliver(BatchBuffer batch) {
        made().deliver(batch);
    }

    @Override
    public void maintain(long nowNanos) {
        made().maintain(nowNanos);
    }

    @Override
    public boolean nextBatchToFile() {
        return made().nextBatchToFile();
    }

    @Override
    public void close() {
        // Made if need be: a provider's primary was made by the builder and is closed with it.
        made().close();
    }
}
