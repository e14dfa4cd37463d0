package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;
import dev.foxml.training.events.core.delivery.DeliveryMadeAtFirstUse;
import dev.foxml.training.events.core.delivery.FailoverDelivery;
import dev.foxml.training.events.core.delivery.SocketConnector;
import dev.foxml.training.events.core.delivery.SocketTransport;
import dev.foxml.training.events.core.encode.ArgumentProblems;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.encode.RunInfo;
import dev.foxml.training.events.core.queue.EventQueue;
import dev.foxml.training.events.core.queue.EventSink;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.MicrosClock;
import dev.foxml.training.events.core.support.RateLimitedLog;
import dev.foxml.training.events.core.writer.EventWriter;
import dev.foxml.training.events.core.writer.SyncWriter;

import java.util.function.Function;

/**
 * Puts an emitter's path together from its configuration: delivery, the encoder, and the sink
 * the facade emits into (a queue with its writer thread, or the synchronous writer).
 */
final class EmitterAssembly {
    /** Opens where the writer delivers; tests pass their own. */
    interface DeliveryOpener {
        Delivery open(EmitterConfig config, Counters counters, RateLimitedLog deliveryLog);
    }

    /**
     * Every emitter's delivery but tests': in asynchronous mode made by the writer thread at its
     * first use (see {@link DeliveryMadeAtFirstUse}); in synchronous mode now,
     * as the emitting threads share it. A class of its own, not a method reference: that would
     * cost {@code TrainingEvents.init} a class spun at run time.
     */
    static final DeliveryOpener FAILOVER = new DeliveryOpener() {
        @Override
        public Delivery open(EmitterConfig config, Counters counters, RateLimitedLog deliveryLog) {
            return config.synchronous() ? FailoverDelivery.forConfig(config, counters, deliveryLog)
                    : DeliveryMadeAtFirstUse.forConfig(config, counters, deliveryLog);
        }
    };

    private EmitterAssembly() {
    }

    /** The sink, its writer started in asynchronous mode; warns about what the configuration will cost. */
    static EventSink sink(EmitterConfig config, String emitterId, DeliveryOpener opener, Counters counters,
                          RateLimitedLog log) {
        RateLimitedLog deliveryLog = log.named(LogOutput.DELIVERY);
        warnIfFileDirectoryMissing(config, deliveryLog);
        Delivery delivery = opener.open(config, counters, deliveryLog);
        MicrosClock clock = new MicrosClock();
        RunInfo runInfo = new RunInfo(clock.nowMicros(), config.tags(), config.params(), emitterId);
        Function<BatchBuffer, EventEncoder> encoderFor = new EncoderFor(config, runInfo);
        warnIfRunIdentityHasProblems(config, runInfo, counters, log);
        if (config.synchronous()) {
            return new SyncWriter(encoderFor, delivery, clock, counters, log);
        }
        requireJacksonCore();
        EventQueue queue = new EventQueue(config.queueCapacity(), config.overflowCapacity(),
                config.maxEmitBlock().toNanos(), counters, log, clock);
        EventWriter.start(queue, encoderFor, delivery, clock, counters, log);
        return queue;
    }

    /**
     * The builder refuses a configuration where neither the file's nor the socket's directory
     * exists; with only the file's missing, events reach a listening bridge and the rest is lost.
     */
    private static void warnIfFileDirectoryMissing(EmitterConfig config, RateLimitedLog deliveryLog) {
        java.nio.file.Path dir = config.filePath().getParent();
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            deliveryLog.warnOnce("the directory " + dir + " of the event file does not exist (the emitter creates"
                    + " none): events reach the socket " + config.socketPath() + " while a bridge listens there,"
                    + " and are dropped (counted in stats().droppedUnwritable()) while none does; create the"
                    + " directory or choose another event file (" + EmitterSetting.FILE.environmentVariable() + ")");
        }
    }

    /**
     * The writer makes its encoder on its own thread (see {@code EventWriter}), so that init does
     * not wait for jackson-core to load. Without jackson-core on the class path at all, the
     * emitter still fails here, as it did when the encoder was made here ({@code TrainingEvents.init}
     * then warns and discards events), rather than start a writer that can encode nothing. Looking
     * the class up does not initialise it.
     */
    private static void requireJacksonCore() {
        try {
            Class.forName("com.fasterxml.jackson.core.JsonFactory", false, EmitterAssembly.class.getClassLoader());
        } catch (ClassNotFoundException missing) {
            NoClassDefFoundError error = new NoClassDefFoundError("com/fasterxml/jackson/core/JsonFactory");
            error.initCause(missing);
            throw error;
        }
    }

    private static void warnIfRunIdentityHasProblems(EmitterConfig config, RunInfo runInfo, Counters counters,
                                                     RateLimitedLog log) {
        int problems = ArgumentProblems.required(config.runId(), config.maxStringChars())
                | ArgumentProblems.characters(config.runId())
                | (config.worker() == null ? 0 : ArgumentProblems.required(config.worker(), config.maxStringChars())
                        | ArgumentProblems.characters(config.worker()))
                | runInfo.problems(config.maxStringChars());
        if (problems != 0) {
            counters.invalidArguments.incrementAndGet();
            log.warn("run-id", "the run id, worker id, tags or params have problems ("
                    + ArgumentProblems.describe(problems) + "); they are written escaped, repaired or cut");
        }
    }

    /**
     * Makes the encoder of a writer. A class of its own rather than a lambda: a lambda costs
     * {@code TrainingEvents.init} a class spun at run time.
     */
    private static final class EncoderFor implements Function<BatchBuffer, EventEncoder> {
        private final EmitterConfig config;
        private final RunInfo runInfo;

        EncoderFor(EmitterConfig config, RunInfo runInfo) {
            this.config = config;
            this.runInfo = runInfo;
        }

        @Override
        public EventEncoder apply(BatchBuffer batch) {
            return new EventEncoder(config.runId(), config.worker(), runInfo, config.maxStringChars(), batch);
        }
    }
}
