package dev.foxml.training.events.micrometer;

import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The health of a training event emitter as Micrometer meters: function counters over
 * {@link TrainingEventEmitter#stats()}, read when the registry publishes, so binding costs the
 * trainer nothing per event.
 *
 * <pre>{@code
 * new TrainingEventsMetrics(emitter).bindTo(registry);            // one run, tagged run.id
 * new TrainingEventsMetrics().bindTo(registry);                   // every run of the JVM, untagged
 * }</pre>
 *
 * <p>Meters (all {@code FunctionCounter}s, base unit {@code events} unless noted):
 * <ul>
 *   <li>{@value #EMITTED}: events accepted from emit calls;</li>
 *   <li>{@value #WRITTEN} with {@code destination} = {@code socket} or {@code file}: lines written
 *       there (the file's count includes replayed lines);</li>
 *   <li>{@value #REPLAYED}: lines a failed socket had taken, written again to the file (possible
 *       duplicates, same {@code seq});</li>
 *   <li>{@value #DROPPED} with {@code reason} = {@code queue_full}, {@code unwritable} or
 *       {@code closed}: events lost, and why;</li>
 *   <li>{@value #RECONNECTS} (base unit {@code connections}): times the socket was connected
 *       again after being lost or absent;</li>
 *   <li>{@value #DELIVERY_ERRORS} with {@code destination} = {@code socket} or {@code file}
 *       (base unit {@code errors}): failed connects and writes;</li>
 *   <li>{@value #INVALID_ARGUMENTS} (base unit {@code calls}): emit calls whose arguments had to
 *       be repaired.</li>
 * </ul>
 *
 * <p>For one emitter, every meter carries the tag {@value #RUN_ID_TAG} with the emitter's run id,
 * unless switched off (a registry with many short runs may not want one series per run); the
 * registry holds the emitter weakly, as Micrometer holds what function counters observe, so
 * the meters report NaN once the emitter is gone. Without an emitter, the meters follow
 * {@link TrainingEvents#current()}: they count the events of every run of the JVM, carried
 * over from one run's emitter to the next so that they only ever grow, and carry no run id.
 */
public final class TrainingEventsMetrics implements MeterBinder {

    /** Events accepted from emit calls. */
    public static final String EMITTED = "training.events.emitted";
    /** Lines written, by {@code destination}. */
    public static final String WRITTEN = "training.events.written";
    /** Lines written again to the file after the socket failed. */
    public static final String REPLAYED = "training.events.replayed";
    /** Events lost, by {@code reason}. */
    public static final String DROPPED = "training.events.dropped";
    /** Socket reconnections. */
    public static final String RECONNECTS = "training.events.reconnects";
    /** Failed connects and writes, by {@code destination}. */
    public static final String DELIVERY_ERRORS = "training.events.delivery.errors";
    /** Emit calls with repaired arguments. */
    public static final String INVALID_ARGUMENTS = "training.events.invalid.arguments";
    /** The tag carrying the run id. */
    public static final String RUN_ID_TAG = "run.id";

    private final TrainingEventEmitter emitter;
    private final Iterable<Tag> tags;
    private final boolean runIdTag;

    /**
     * Meters for one emitter, tagged with its run id.
     *
     * @param emitter the emitter to observe
     * @throws IllegalArgumentException when {@code emitter} is null
     */
    public TrainingEventsMetrics(TrainingEventEmitter emitter) {
        this(emitter, Tags.empty(), true);
    }

    /**
     * Meters for one emitter, with extra tags, and the run id as a tag or not.
     *
     * @param emitter the emitter to observe
     * @param tags tags added to every meter
     * @param runIdTag whether every meter carries {@value #RUN_ID_TAG}
     * @throws IllegalArgumentException when {@code emitter} or {@code tags} is null
     */
    public TrainingEventsMetrics(TrainingEventEmitter emitter, Iterable<Tag> tags, boolean runIdTag) {
        if (emitter == null) {
            throw new IllegalArgumentException("TrainingEventsMetrics: the emitter is null; pass the run's emitter, "
                    + "or use new TrainingEventsMetrics() to follow TrainingEvents.current()");
        }
        if (tags == null) {
            throw new IllegalArgumentException("TrainingEventsMetrics: tags is null; pass Tags.empty() for none");
        }
        this.emitter = emitter;
        this.tags = tags;
        this.runIdTag = runIdTag;
    }

    /** Meters that follow {@link TrainingEvents#current()} across runs, untagged. */
    public TrainingEventsMetrics() {
        this(Tags.empty());
    }

    /**
     * Meters that follow {@link TrainingEvents#current()} across runs.
     *
     * @param tags tags added to every meter
     * @throws IllegalArgumentException when {@code tags} is null
     */
    public TrainingEventsMetrics(Iterable<Tag> tags) {
        if (tags == null) {
            throw new IllegalArgumentException("TrainingEventsMetrics: tags is null; pass Tags.empty() for none");
        }
        this.emitter = null;
        this.tags = tags;
        this.runIdTag = false;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (emitter != null) {
            Tags all = Tags.of(tags);
            if (runIdTag) {
                String runId = emitter.runId();
                all = all.and(RUN_ID_TAG, runId == null ? "unknown" : runId);
            }
            register(registry, emitter, all, e -> e.stats());
        } else {
            register(registry, CurrentRuns.INSTANCE, Tags.of(tags), CurrentRuns::stats);
        }
    }

    private static <T> void register(MeterRegistry registry, T source, Tags tags,
                                     java.util.function.Function<T, EmitterStats> stats) {
        counter(registry, EMITTED, "Training events accepted from emit calls", "events",
                source, tags, stats, EmitterStats::emitted);
        counter(registry, WRITTEN, "Training event lines written to the Unix socket", "events",
                source, tags.and("destination", "socket"), stats, EmitterStats::writtenToSocket);
        counter(registry, WRITTEN, "Training event lines written to the fallback file (replayed ones included)",
                "events", source, tags.and("destination", "file"), stats, EmitterStats::writtenToFile);
        counter(registry, REPLAYED, "Lines a failed socket had taken, written again to the fallback file", "events",
                source, tags, stats, EmitterStats::replayed);
        counter(registry, DROPPED, "Training events lost", "events",
                source, tags.and("reason", "queue_full"), stats, EmitterStats::droppedQueueFull);
        counter(registry, DROPPED, "Training events lost", "events",
                source, tags.and("reason", "unwritable"), stats, EmitterStats::droppedUnwritable);
        counter(registry, DROPPED, "Training events lost", "events",
                source, tags.and("reason", "closed"), stats, EmitterStats::droppedClosed);
        counter(registry, DROPPED, "Training events lost", "events",
                source, tags.and("reason", "extra_run_complete"), stats, EmitterStats::droppedExtraRunComplete);
        counter(registry, RECONNECTS, "Times the socket was connected again after being lost or absent",
                "connections", source, tags, stats, EmitterStats::reconnects);
        counter(registry, DELIVERY_ERRORS, "Failed connects and writes", "errors",
                source, tags.and("destination", "socket"), stats, EmitterStats::socketErrors);
        counter(registry, DELIVERY_ERRORS, "Failed connects and writes", "errors",
                source, tags.and("destination", "file"), stats, EmitterStats::fileErrors);
        counter(registry, INVALID_ARGUMENTS, "Emit calls whose arguments had to be repaired", "calls",
                source, tags, stats, EmitterStats::invalidArguments);
    }

    private static <T> void counter(MeterRegistry registry, String name, String description, String unit,
                                    T source, Tags tags, java.util.function.Function<T, EmitterStats> stats,
                                    ToLongFunction<EmitterStats> field) {
        ToDoubleFunction<T> read = s -> field.applyAsLong(stats.apply(s));
        FunctionCounter.builder(name, source, read).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }

    /**
     * The stats of every run of this JVM: those of {@link TrainingEvents#current()} plus the
     * last counts of the emitters that were current before, so the counters never go back.
     * One per JVM, held by this class, so the registry's weak reference to it never clears.
     */
    static final class CurrentRuns {
        static final CurrentRuns INSTANCE = new CurrentRuns();

        private TrainingEventEmitter last;
        private EmitterStats before = EmitterStats.EMPTY;

        synchronized EmitterStats stats() {
            TrainingEventEmitter now = TrainingEvents.current();
            if (now != last) {
                if (last != null) {
                    // Read again now: the old emitter may have counted more (its close) since.
                    before = plus(before, last.stats());
                }
                last = now;
            }
            return plus(before, now.stats());
        }

        private static EmitterStats plus(EmitterStats a, EmitterStats b) {
            return new EmitterStats(a.emitted() + b.emitted(), a.writtenToSocket() + b.writtenToSocket(),
                    a.writtenToFile() + b.writtenToFile(), a.replayed() + b.replayed(),
                    a.droppedQueueFull() + b.droppedQueueFull(), a.droppedUnwritable() + b.droppedUnwritable(),
                    a.droppedClosed() + b.droppedClosed(), a.droppedExtraRunComplete() + b.droppedExtraRunComplete(),
                    a.reconnects() + b.reconnects(),
                    a.invalidArguments() + b.invalidArguments(), a.socketErrors() + b.socketErrors(),
                    a.fileErrors() + b.fileErrors());
        }
    }
}
