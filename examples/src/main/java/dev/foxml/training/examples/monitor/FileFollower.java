package dev.foxml.training.examples.monitor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the fallback file as {@code tail -F} does and the dashboard bridge does (it polls every
 * 500 ms from its last offset): passes each complete new line to the sink, keeps a partial last
 * line until its newline is written, waits for a file that does not exist yet, and starts over
 * when the file is truncated or replaced.
 *
 * <p>{@link #pollOnce()} reads what is there now; {@link #start(Duration)} calls it periodically
 * on a daemon thread.
 */
final class FileFollower implements AutoCloseable {

    private final Path file;
    private final Consumer<MonitorInput> sink;
    private final Clock clock;
    private final LineSplitter splitter;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final boolean fromEnd;
    private boolean firstPoll = true;
    private Object fileKey;
    private long position;
    private ScheduledExecutorService poller;

    /**
     * @param fromEnd skip what the file holds when it is first seen (else replay it, as the
     *     bridge does)
     */
    FileFollower(Path file, boolean fromEnd, Consumer<MonitorInput> sink, Clock clock) {
        this.file = file;
        this.sink = sink;
        this.clock = clock;
        this.fromEnd = fromEnd;
        this.splitter = new LineSplitter(UnixSocketSource.MAX_LINE_BYTES,
                line -> sink.accept(new MonitorInput.Line(line, clock.instant(), "file")));
    }

    /** Reads the lines appended since the last call. Never throws; an unreadable file is retried next time. */
    synchronized void pollOnce() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            // Not there (yet, or any more): a file created later is read from its start.
            firstPoll = false;
            fileKey = null;
            position = 0;
            splitter.reset();
            return;
        }
        // Without inode numbers (fileKey null) a replaced file is noticed only when it is shorter.
        Object key = attributes.fileKey() != null ? attributes.fileKey() : file;
        if (!key.equals(fileKey) || attributes.size() < position) {
            position = firstPoll && fromEnd ? attributes.size() : 0;
            splitter.reset();
            fileKey = key;
        }
        firstPoll = false;
        if (attributes.size() == position) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(position);
            int read;
            while ((read = channel.read(buffer)) > 0) {
                splitter.feed(buffer.array(), 0, read);
                position += read;
                buffer.clear();
            }
        } catch (NoSuchFileException e) {
            // Removed between the two calls; picked up again when it comes back.
        } catch (IOException e) {
            // Read again from the same position next time.
        } finally {
            buffer.clear();
        }
    }

    /** Polls every {@code interval} on a daemon thread until closed. */
    synchronized void start(Duration interval) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "monitor-file-follower");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = poller;
            poller = null;
        }
        if (running != null) {
            running.shutdownNow();
        }
    }
}
