package dev.foxml.training.events.jmh;

import dev.foxml.training.events.core.DefaultTrainingEventEmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static dev.foxml.training.events.jmh.BenchEvents.*;

/**
 * Events delivered per second by one trainer thread, from the emit call to the socket's reader
 * (a thread in this JVM draining a Unix socket) or into the file (in a temporary directory,
 * emptied between iterations). Every event is the same progress event. For the emitter, one
 * invocation is a burst of {@value #BURST} emits followed by {@code flush()}, which returns once
 * the writer has written them all, so the figure counts delivered events, not queued ones.
 *
 * <p>In the same run, baselines on the same socket and file system:
 * <ul>
 *   <li>{@code seed*}: the obvious implementation ({@link SeedEmitter}): ObjectMapper over a Map
 *       per event, one write per event to the socket, open-append-close per event to the file;</li>
 *   <li>{@code rawBatched*}: the limit: the emitter's own progress line, pre-encoded,
 *       {@value #RAW_BATCH_LINES} lines per invocation, written as many whole lines as fit in
 *       64 KiB (the emitter's batch) per write;</li>
 *   <li>{@code rawLine*}: one write per pre-encoded line, the floor for synchronous mode.</li>
 * </ul>
 * A run fails unless every event arrived: the reader counted as many lines as the emitter says it
 * wrote to the socket (or the file had them), and none were dropped or went elsewhere.
 *
 * <p>One class so that every end-to-end variant (emitter, naive baseline, raw writes, to the
 * socket and to the file) runs in the same JMH run against the same reader, which is what makes
 * the rows comparable.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EndToEndBenchmark {
    static final int BURST = 4096;
    static final int RAW_BATCH_LINES = 1024;
    static final int MAX_WRITE = 64 * 1024;

    // ---------------------------------------------------------------- the emitter

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean asyncSocket(AsyncSocket s) {
        return burst(s.emitter);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean asyncFile(AsyncFile s) {
        return burst(s.emitter);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean syncSocket(SyncSocket s) {
        return burst(s.emitter);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean syncFile(SyncFile s) {
        return burst(s.emitter);
    }

    private static boolean burst(DefaultTrainingEventEmitter e) {
        for (int i = 0; i < BURST; i++) {
            e.emitProgress(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        }
        return e.flush();
    }

    // ---------------------------------------------------------------- the obvious implementation

    @Benchmark
    public void seedSocket(SeedSocket s) {
        byte[] line = s.seed.progressLine(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        SeedEmitter.send(s.channel, line);
        s.written += line.length;
    }

    @Benchmark
    public void seedFile(SeedFile s) {
        byte[] line = s.seed.progressLine(STAGE, PCT, TARGET, COMPLETE, TOTAL);
        SeedEmitter.append(s.file, line);
    }

    // ---------------------------------------------------------------- the raw limits

    @Benchmark
    @OperationsPerInvocation(RAW_BATCH_LINES)
    public void rawBatchedSocket(RawSocket s) throws IOException {
        s.written += writeBatch(s.channel, s.batch, s.bytesPerWrite);
    }

    @Benchmark
    public void rawLineSocket(RawSocket s) throws IOException {
        s.written += writeFully(s.channel, s.line);
    }

    @Benchmark
    @OperationsPerInvocation(RAW_BATCH_LINES)
    public void rawBatchedFile(RawFile s) throws IOException {
        writeBatch(s.channel, s.batch, s.bytesPerWrite);
    }

    @Benchmark
    public void rawLineFile(RawFile s) throws IOException {
        writeFully(s.channel, s.line);
    }

    /** The whole buffer, {@code bytesPerWrite} (whole lines) at a time. */
    private static int writeBatch(WritableByteChannel c, ByteBuffer bytes, int bytesPerWrite) throws IOException {
        int total = bytes.capacity();
        for (int from = 0; from < total; from += bytesPerWrite) {
            bytes.limit(Math.min(total, from + bytesPerWrite)).position(from);
            while (bytes.hasRemaining()) {
                c.write(bytes);
            }
        }
        return total;
    }

    private static int writeFully(WritableByteChannel c, ByteBuffer bytes) throws IOException {
        bytes.clear();
        while (bytes.hasRemaining()) {
            c.write(bytes);
        }
        return bytes.limit();
    }

    // ---------------------------------------------------------------- states

    /** An emitter sending to a Unix socket that a reader thread drains. */
    @State(Scope.Benchmark)
    public abstract static class EmitterToSocket {
        private final boolean synchronous;
        Path dir;
        DrainingSocketReader reader;
        DefaultTrainingEventEmitter emitter;

        EmitterToSocket(boolean synchronous) {
            this.synchronous = synchronous;
        }

        @Setup(Level.Trial)
        public void start() {
            dir = TempDirs.create();
            reader = DrainingSocketReader.start(dir.resolve("events.sock"));
            emitter = socketEmitter(dir, reader.path(), synchronous);
        }

        @TearDown(Level.Trial)
        public void stop() {
            try {
                String what = getClass().getSimpleName();
                checkDelivered(what, emitter, true);
                long lines = emitter.stats().writtenToSocket();
                if (!DrainingSocketReader.await(reader::lines, lines, 5_000) || reader.lines() != lines) {
                    throw new IllegalStateException(what + ": the reader got " + reader.lines()
                            + " lines, the emitter wrote " + lines);
                }
            } finally {
                emitter.close();
                reader.close();
                TempDirs.delete(dir);
            }
        }
    }

    public static class AsyncSocket extends EmitterToSocket {
        public AsyncSocket() {
            super(false);
        }
    }

    public static class SyncSocket extends EmitterToSocket {
        public SyncSocket() {
            super(true);
        }
    }

    /**
     * A file in a temporary directory, emptied between iterations (so that the disk does not fill
     * up); counts the bytes and lines it received. Subclasses start and stop their writer in
     * {@link #started()} and {@link #finished()}, so that the order of set-up and tear-down is plain.
     */
    @State(Scope.Benchmark)
    public abstract static class FileSink {
        Path dir;
        Path file;
        long receivedBytes;
        long receivedLines;

        @Setup(Level.Trial)
        public void setUpTrial() throws IOException {
            dir = TempDirs.create();
            file = dir.resolve("events.jsonl");
            started();
        }

        @TearDown(Level.Iteration)
        public void empty() throws IOException {
            drain();
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                receivedBytes += c.size();
                receivedLines += Lines.count(file);
                c.truncate(0);
            }
        }

        @TearDown(Level.Trial)
        public void tearDownTrial() throws IOException {
            try {
                finished();
            } finally {
                TempDirs.delete(dir);
            }
        }

        abstract void started() throws IOException;

        /** Everything written so far is in the file once this returns. */
        void drain() {
        }

        abstract void finished() throws IOException;
    }

    /** An emitter appending to a file: its socket path names nothing, as when no bridge runs. */
    public abstract static class EmitterToFile extends FileSink {
        private final boolean synchronous;
        DefaultTrainingEventEmitter emitter;

        EmitterToFile(boolean synchronous) {
            this.synchronous = synchronous;
        }

        @Override
        void started() {
            emitter = fileEmitter(dir, file, synchronous);
        }

        @Override
        void drain() {
            emitter.flush();
        }

        @Override
        void finished() throws IOException {
            try {
                String what = getClass().getSimpleName();
                checkDelivered(what, emitter, false);
                empty();
                long lines = emitter.stats().writtenToFile();
                if (receivedLines != lines) {
                    throw new IllegalStateException(what + ": the file received " + receivedLines
                            + " lines, the emitter wrote " + lines);
                }
            } finally {
                emitter.close();
            }
        }
    }

    public static class AsyncFile extends EmitterToFile {
        public AsyncFile() {
            super(false);
        }
    }

    public static class SyncFile extends EmitterToFile {
        public SyncFile() {
            super(true);
        }
    }

    @State(Scope.Benchmark)
    public static class SeedSocket {
        Path dir;
        DrainingSocketReader reader;
        SocketChannel channel;
        SeedEmitter seed;
        long written;

        @Setup(Level.Trial)
        public void start() throws IOException {
            dir = TempDirs.create();
            reader = DrainingSocketReader.start(dir.resolve("events.sock"));
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(reader.path()));
            seed = new SeedEmitter(RUN_ID);
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            try {
                checkReceived("seedSocket", reader, written);
            } finally {
                channel.close();
                reader.close();
                TempDirs.delete(dir);
            }
        }
    }

    public static class SeedFile extends FileSink {
        SeedEmitter seed;

        @Override
        void started() {
            seed = new SeedEmitter(RUN_ID);
        }

        @Override
        void finished() throws IOException {
            empty();
            if (receivedLines != seed.emitted()) {
                throw new IllegalStateException("seedFile: the file received " + receivedLines
                        + " lines, " + seed.emitted() + " were written");
            }
        }
    }

    /**
     * The emitter's progress line, pre-encoded: one, and {@value #RAW_BATCH_LINES} of them (direct
     * buffers, like the emitter's), with how many bytes of whole lines fit in one 64 KiB write.
     */
    @State(Scope.Benchmark)
    public static class RawLines {
        ByteBuffer line;
        ByteBuffer batch;
        int bytesPerWrite;

        @Setup(Level.Trial)
        public void encode() {
            byte[] bytes = progressLine();
            line = ByteBuffer.allocateDirect(bytes.length).put(bytes);
            batch = ByteBuffer.allocateDirect(bytes.length * RAW_BATCH_LINES);
            for (int i = 0; i < RAW_BATCH_LINES; i++) {
                batch.put(bytes);
            }
            bytesPerWrite = MAX_WRITE / bytes.length * bytes.length;
            System.out.printf("%n[raw] line: %d bytes; %d lines per invocation, %d bytes (%d lines) per write%n",
                    bytes.length, RAW_BATCH_LINES, bytesPerWrite, bytesPerWrite / bytes.length);
        }
    }

    public static class RawSocket extends RawLines {
        Path dir;
        DrainingSocketReader reader;
        SocketChannel channel;
        long written;

        @Setup(Level.Trial)
        public void start() throws IOException {
            dir = TempDirs.create();
            reader = DrainingSocketReader.start(dir.resolve("events.sock"));
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(reader.path()));
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            try {
                checkReceived("rawSocket", reader, written);
            } finally {
                channel.close();
                reader.close();
                TempDirs.delete(dir);
            }
        }
    }

    /** The file opened once in append mode, as the emitter keeps it open. */
    @State(Scope.Benchmark)
    public static class RawFile extends RawLines {
        Path dir;
        FileChannel channel;

        @Setup(Level.Trial)
        public void start() throws IOException {
            dir = TempDirs.create();
            channel = FileChannel.open(dir.resolve("events.jsonl"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        @TearDown(Level.Iteration)
        public void empty() throws IOException {
            channel.truncate(0);
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            channel.close();
            TempDirs.delete(dir);
        }
    }

    static void checkReceived(String what, DrainingSocketReader reader, long written) {
        if (!DrainingSocketReader.await(reader::bytes, written, 5_000) || reader.bytes() != written) {
            throw new IllegalStateException(what + ": the reader got " + reader.bytes()
                    + " bytes, expected " + written);
        }
    }
}
