package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * {@link IdleLatencyBenchmark} with the reader in a process of its own, as the dashboard's
 * bridge is, and a raw writer through the same reader as the baseline: one event while nothing
 * else is queued (and, for the emitter, its writer thread asleep), timed from the call until the
 * reader ({@link EchoingReader}, a child JVM) has read the line and its one-byte echo has come
 * back through a pipe. Sampled per event; read the percentiles.
 *
 * <p>{@code writer=emitter}: the emitter's asynchronous emit call; {@code writer=raw}: the same
 * pre-encoded progress line written to the socket by the calling thread (the JDK's Unix channel),
 * no queue and no writer thread. Both pay the echo's way back, so the difference between the two
 * is the emitter's share. Before every measured event, outside the measured time, the previous
 * echo has arrived and (emitter) the writer thread is parked again. The run fails when the reader
 * did not echo exactly the lines written, or (emitter) an event was not delivered to the socket.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class OutOfProcessIdleLatency {
    /** {@code emitter}: the emitter, asynchronous; {@code raw}: one write per line on the calling thread. */
    @Param({"emitter", "raw"})
    public String writer;

    private Path dir;
    private Process reader;
    private InputStream echoes;
    private DefaultTrainingEventEmitter emitter;
    private Thread writerThread;
    private SocketChannel raw;
    private ByteBuffer line;
    private long written;
    private long echoed;

    /**
     * Starts the reader process, then the emitter or the raw connection.
     *
     * @throws IOException when the reader process or the connection cannot be started
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
        if (!"emitter".equals(writer) && !"raw".equals(writer)) {
            throw new IllegalArgumentException("-p writer=" + writer + ": use emitter or raw");
        }
        dir = TempDirs.create();
        Path socket = dir.resolve("events.sock");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EchoingReader.class.getName());
        command.add(socket.toString());
        reader = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        echoes = reader.getInputStream();
        String first = readLineRaw(echoes);
        if (!"listening".equals(first)) {
            throw new IllegalStateException("the reader process said " + first);
        }
        if ("emitter".equals(writer)) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            emitter = socketEmitter(dir, socket, false);
            writerThread = AllocationSplit.writerThreadBesides(before);
            if (!emitter.flush()) {
                throw new IllegalStateException("flush() timed out: " + emitter.stats());
            }
            written = emitter.stats().writtenToSocket();
        } else {
            raw = SocketChannel.open(StandardProtocolFamily.UNIX);
            raw.connect(UnixDomainSocketAddress.of(socket));
            byte[] bytes = progressLine();
            line = ByteBuffer.allocateDirect(bytes.length);
            line.put(bytes).flip();
        }
        awaitEchoes(written);
    }

    /**
     * Not measured: every line written so far has been echoed, and the writer is asleep.
     *
     * @throws IOException when the echoes cannot be read
     */
    @Setup(Level.Invocation)
    public void waitUntilIdle() throws IOException {
        awaitEchoes(written);
        if (writerThread != null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (writerThread.getState() != Thread.State.TIMED_WAITING
                    && writerThread.getState() != Thread.State.WAITING) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the writer did not go idle: " + writerThread.getState());
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * From the call (emit, or the raw write) until the reader process's echo of the line is back.
     *
     * @return the lines echoed so far
     * @throws IOException when the raw write or the echo fails
     */
    @Benchmark
    public long emitToReader() throws IOException {
        written++;
        if (emitter != null) {
            emitter.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        } else {
            line.rewind();
            while (line.hasRemaining()) {
                raw.write(line);
            }
        }
        if (echoes.read() < 0) {
            throw new IllegalStateException("the reader process ended");
        }
        return ++echoed;
    }

    /**
     * Fails unless every line was delivered and echoed; stops the writer and the reader process.
     *
     * @throws IOException when the echoes cannot be read or the connection not closed
     */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
        try {
            if (emitter != null) {
                checkDelivered("OutOfProcessIdleLatency", emitter, true);
                written = emitter.stats().writtenToSocket();
            }
            awaitEchoes(written);
        } finally {
            if (emitter != null) {
                emitter.close();
            }
            if (raw != null) {
                raw.close();
            }
            reader.destroy();
            try {
                reader.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TempDirs.delete(dir);
        }
    }

    /** Reads echoes until {@code count} lines in all were echoed; fails after 10 s. */
    private void awaitEchoes(long count) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (echoed < count) {
            if (echoes.available() > 0 || System.nanoTime() - deadline < 0) {
                if (echoes.available() > 0) {
                    if (echoes.read() < 0) {
                        throw new IllegalStateException("the reader process ended");
                    }
                    echoed++;
                } else {
                    Thread.onSpinWait();
                }
            } else {
                throw new IllegalStateException("the reader echoed " + echoed + " lines of " + count);
            }
        }
        if (echoed > count) {
            throw new IllegalStateException("the reader echoed " + echoed + " lines, more than the " + count + " written");
        }
    }

    private static String readLineRaw(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            s.append((char) b);
        }
        return s.toString();
    }
}
