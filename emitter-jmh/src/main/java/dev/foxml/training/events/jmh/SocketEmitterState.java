package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

import java.nio.file.Path;
import java.util.Set;

import static dev.foxml.training.events.jmh.BenchEvents.checkDelivered;
import static dev.foxml.training.events.jmh.BenchEvents.socketEmitter;

/**
 * The trial both emit benchmarks share: an async emitter delivering to a Unix socket drained by
 * a reader thread in this JVM, the allocation split between emitting threads and the writer,
 * and, at the end, the check that every event arrived (a run that lost one fails).
 */
@State(Scope.Benchmark)
public abstract class SocketEmitterState {
    static final int BURST = 2048;

    private Path dir;
    private DrainingSocketReader reader;
    DefaultTrainingEventEmitter emitter;
    AllocationSplit allocation;

    /**
     * Where the writer delivers: {@code socket}, a Unix socket drained by a reader thread in this
     * JVM (the production path), or {@code file}, a file in a temporary directory (no third thread).
     */
    @Param({"socket"})
    public String sink;

    @Setup(Level.Trial)
    public void start() {
        dir = TempDirs.create();
        Set<Thread> before;
        if ("file".equals(sink)) {
            before = Thread.getAllStackTraces().keySet();
            emitter = BenchEvents.fileEmitter(dir, dir.resolve("events.jsonl"), false);
        } else {
            reader = DrainingSocketReader.start(dir.resolve("events.sock"));
            before = Thread.getAllStackTraces().keySet();
            emitter = socketEmitter(dir, reader.path(), false);
        }
        allocation = new AllocationSplit(AllocationSplit.writerThreadBesides(before));
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        allocation.iteration(params);
    }

    @TearDown(Level.Trial)
    public void stop(BenchmarkParams params) {
        try {
            checkDelivered(params.getBenchmark(), emitter, reader != null);
            allocation.print(params.getBenchmark());
        } finally {
            emitter.close();
            if (reader != null) {
                reader.close();
            }
            TempDirs.delete(dir);
        }
    }
}
