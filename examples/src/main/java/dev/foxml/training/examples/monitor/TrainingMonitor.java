package dev.foxml.training.examples.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A live terminal view of training runs, what the seed's Rust training view shows, reading the
 * events directly instead of through the bridge: it listens on the Unix socket trainers connect
 * to and follows the fallback file, so it sees a run whichever way its events come, and drops the
 * lines it sees both ways.
 *
 * <p>Sources run on daemon threads and only queue lines; one thread (the caller of
 * {@link #processFor(Duration)} or {@link #runUntil(BooleanSupplier)}) applies them to the
 * {@link MonitorState} and draws, so state and output need no locking.
 *
 * <pre>
 * TrainingMonitor [--socket PATH | --no-socket] [--file PATH | --no-file] [--from-end]
 *                 [--ansi | --plain] [--exit-on-complete]
 * </pre>
 * Paths default as for trainers: {@code -Dfoxml.training.event.socket}, else
 * {@code FOXML_TRAINING_EVENT_SOCKET}, else {@code /tmp/foxml_training_events.sock}, and
 * {@code -Dfoxml.training.event.file}, else {@code FOXML_TRAINING_EVENT_FILE}, else
 * {@code /tmp/foxml_training_events.jsonl}. The file is read from its start (as the bridge does)
 * unless {@code --from-end}.
 */
public final class TrainingMonitor implements AutoCloseable {

    /** How often the fallback file is polled; the seed's bridge polls every 500 ms. */
    static final Duration FILE_POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration TICK = Duration.ofMillis(100);

    private final Path socketPath;
    private final Path filePath;
    private final boolean fromEnd;
    private final Clock clock;
    private final BlockingQueue<MonitorInput> inputs = new LinkedBlockingQueue<>();
    private final MonitorState state;
    private MonitorOutput output;
    private UnixSocketSource socket;
    private FileFollower follower;
    private boolean finished;

    /**
     * @param socketPath the socket to listen on, or {@code null} for none
     * @param filePath the file to follow, or {@code null} for none
     * @param fromEnd skip what the file already holds
     * @param output where to show the state; may be set later with {@link #output(MonitorOutput)}
     */
    public TrainingMonitor(Path socketPath, Path filePath, boolean fromEnd, MonitorOutput output, Clock clock) {
        this(socketPath, filePath, fromEnd, null, output, clock);
    }

    /**
     * @param socketPath the socket to listen on, or {@code null} for none
     * @param filePath the file to follow, or {@code null} for none
     * @param fromEnd skip what the file already holds
     * @param sparkMetric the metric the sparklines show, or {@code null} for the default (see
     *     {@link MonitorState#sparkMetric()})
     * @param output where to show the state; may be set later with {@link #output(MonitorOutput)}
     * @param clock the time, for elapsed time and arrival of lines
     */
    public TrainingMonitor(Path socketPath, Path filePath, boolean fromEnd, String sparkMetric, MonitorOutput output,
                           Clock clock) {
        this.state = new MonitorState(sparkMetric);
        this.socketPath = socketPath;
        this.filePath = filePath;
        this.fromEnd = fromEnd;
        this.output = output;
        this.clock = clock;
    }

    /** Sets where the state is shown (before {@link #start()}). */
    public void output(MonitorOutput newOutput) {
        this.output = newOutput;
    }

    /**
     * Starts listening on the socket and following the file.
     *
     * @throws IOException when the socket cannot be listened on (taken by a live reader, path too
     *     long, ...); nothing is left running then
     */
    public void start() throws IOException {
        if (socketPath != null) {
            socket = UnixSocketSource.listen(socketPath, inputs::add, clock);
        }
        if (filePath != null) {
            follower = new FileFollower(filePath, fromEnd, inputs::add, clock);
            follower.start(FILE_POLL_INTERVAL);
        }
    }

    /** Where events are read from, for people. */
    public String listening() {
        List<String> parts = new ArrayList<>();
        if (socketPath != null) {
            parts.add("socket " + socketPath);
        }
        if (filePath != null) {
            parts.add("file " + filePath);
        }
        return parts.isEmpty() ? "no sources" : "reading " + String.join(" and ", parts);
    }

    /** The state; read it on the thread that processes inputs. */
    public MonitorState state() {
        return state;
    }

    /**
     * Waits up to {@code wait} for input, applies all that is queued and refreshes the output.
     *
     * @return whether any input was applied
     */
    public boolean processFor(Duration wait) throws InterruptedException {
        MonitorInput first = inputs.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        boolean any = first != null;
        for (MonitorInput input = first; input != null; input = inputs.poll()) {
            apply(input);
        }
        output.refresh(state, clock.instant());
        return any;
    }

    /** Processes input until {@code done} says so (checked at least ten times a second). */
    public void runUntil(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            processFor(TICK);
        }
    }

    /**
     * Takes in what is still on its way once the trainers have stopped writing: waits (up to
     * {@code timeout}) for their accepted socket connections to be read to the end, reads the file
     * one last time and applies everything queued.
     */
    public void settle(Duration timeout) throws InterruptedException {
        if (socket != null) {
            socket.awaitNoConnections(timeout);
        }
        if (follower != null) {
            follower.pollOnce();
        }
        while (processFor(Duration.ZERO)) {
            // Until the queue is empty.
        }
    }

    /** Records that the trainer process exited, for runs that ended without {@code run_complete}. */
    public void trainerExited(int exitCode) {
        MonitorState.Update update = state.trainerExited(exitCode, clock.instant());
        output.update(update, state, clock.instant());
        output.refresh(state, clock.instant());
    }

    private void apply(MonitorInput input) {
        MonitorState.Update update;
        if (input instanceof MonitorInput.Line line) {
            update = state.accept(line.text(), line.receivedAt());
        } else {
            update = state.connectionClosed(((MonitorInput.Disconnected) input).at());
        }
        output.update(update, state, clock.instant());
    }

    /** Stops the sources (removing the socket file) and shows the final state once. Idempotent. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        if (socket != null) {
            socket.close();
        }
        if (follower != null) {
            follower.close();
        }
        output.finish(state, clock.instant());
    }

    public static void main(String[] args) throws Exception {
        Path socketPath = Path.of(setting("FOXML_TRAINING_EVENT_SOCKET", "foxml.training.event.socket",
                "/tmp/foxml_training_events.sock"));
        Path filePath = Path.of(setting("FOXML_TRAINING_EVENT_FILE", "foxml.training.event.file",
                "/tmp/foxml_training_events.jsonl"));
        boolean fromEnd = false;
        boolean exitOnComplete = false;
        Boolean ansi = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--socket" -> socketPath = Path.of(value(args, ++i, "--socket"));
                case "--file" -> filePath = Path.of(value(args, ++i, "--file"));
                case "--no-socket" -> socketPath = null;
                case "--no-file" -> filePath = null;
                case "--from-end" -> fromEnd = true;
                case "--exit-on-complete" -> exitOnComplete = true;
                case "--ansi" -> ansi = true;
                case "--plain" -> ansi = false;
                default -> {
                    System.err.println(TerminalText.safe("unknown option " + args[i]));
                    System.err.println("usage: TrainingMonitor [--socket PATH | --no-socket] [--file PATH | --no-file]"
                            + " [--from-end] [--ansi | --plain] [--exit-on-complete]");
                    System.exit(2);
                }
            }
        }

        TrainingMonitor monitor = new TrainingMonitor(socketPath, filePath, fromEnd, null, Clock.systemUTC());
        try {
            monitor.start();
        } catch (IOException e) {
            if (filePath == null) {
                throw e;
            }
            // The bridge (or another monitor) has the socket: trainers write there, not to the
            // file, but what does reach the file is still worth showing.
            System.err.println(TerminalText.safe("TrainingMonitor: " + e.getMessage() + "; following the file only."));
            monitor = new TrainingMonitor(null, filePath, fromEnd, null, Clock.systemUTC());
            monitor.start();
        }
        monitor.output(MonitorOutput.choose(ansi, monitor.listening()));
        if (!(monitor.output instanceof AnsiScreen)) {
            System.out.println(TerminalText.safe("FoxML training monitor " + monitor.listening()));
        }

        TrainingMonitor running = monitor;
        Thread mainThread = Thread.currentThread();
        boolean[] stop = new boolean[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (stop) {
                stop[0] = true;
            }
            try {
                // Let the loop finish its batch and close; it removes the socket file and
                // restores the cursor.
                mainThread.join(2000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "monitor-shutdown"));
        boolean stopOnComplete = exitOnComplete;
        running.runUntil(() -> {
            synchronized (stop) {
                return stop[0] || (stopOnComplete && running.state().finished());
            }
        });
        if (exitOnComplete) {
            running.settle(Duration.ofSeconds(2));
        }
        running.close();
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[index];
    }

    /** The system property, else the environment variable, else the default, as {@code emitter-core} resolves them. */
    static String setting(String environment, String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
