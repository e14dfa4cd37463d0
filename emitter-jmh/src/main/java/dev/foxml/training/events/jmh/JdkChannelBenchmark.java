package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * The socket benchmarks of {@link EndToEndBenchmark} again, with the emitter on the JDK's own
 * Unix-domain channel instead of junixsocket (which {@code emitter-core} prefers when its native
 * library loads): junixsocket's {@code write} and {@code selectNow} allocate on every call, the
 * JDK's do not. The fork disables junixsocket's native library, so the emitter falls back to the
 * JDK channel as it would where junixsocket cannot load (and logs one warning saying so).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.newsclub.net.unix.library.disable=true")
public class JdkChannelBenchmark {

    @Benchmark
    @OperationsPerInvocation(EndToEndBenchmark.BURST)
    public boolean asyncSocket(EndToEndBenchmark.AsyncSocket s) {
        return burst(s.emitter);
    }

    @Benchmark
    @OperationsPerInvocation(EndToEndBenchmark.BURST)
    public boolean syncSocket(EndToEndBenchmark.SyncSocket s) {
        return burst(s.emitter);
    }

    private static boolean burst(DefaultTrainingEventEmitter e) {
        for (int i = 0; i < EndToEndBenchmark.BURST; i++) {
            e.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        }
        return e.flush();
    }
}
