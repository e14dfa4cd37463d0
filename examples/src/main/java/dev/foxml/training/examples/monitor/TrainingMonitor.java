package dev.foxml.training.examples.monitor;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.events.core.config.ConfigResolver;

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
 * A live terminal view of training runs, reading the events directly instead of through the bridge: it listens on the Unix socket trainers connect
 * to and follows the fallback file, so it sees a run whichever way its events come, and drops the
 * lines it sees both ways.
 *
 * <p>Sources run on daemon threads and only queue lines; one thread (the caller of
 * {@link #processFor(Duration)} or {@link #runUntil(BooleanSupplier)}) applies them to the
 * {@link MonitorState} and draws, so state and output need no locking.
 *
 * <pre>
 * java -jar examples/target/training-monitor.jar [--socket PATH | --no-socket] [--file PATH | --no-file]
 *     [--from-end] [--metric NAME] [--ansi | --plain] [--exit-on-complete] [--help]
 * </pre>
 * Paths default as for trainers: {@code -Dfoxml.training.event.socket}, else
 * {@code FOXML_TRAINING_EVENT_SOCKET}, else {@code /tmp/foxml_training_events.sock}, and
 * {@code -Dfoxml.training.event.file}, else {@code FOXML_TRAINING_EVENT_FILE}, else
 * {@code /tmp/foxml_training_events.jsonl}. The file is read from its start (as the bridge does)
 * unless {@code --from-end}.
 */
public final class TrainingMonitor implements AutoCloseable {

    /** How often the fallback file is polled; the dashboard bridge polls every 500 ms. */
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

    /**
     * Runs the monitor until Ctrl-C (or, with {@code --exit-on-complete}, until the run has
     * completed). See {@link #usage()} for the options.
     *
     * @param args the options
     * @throws Exception when the monitor cannot start
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(TerminalText.safe("TrainingMonitor: " + e.getMessage()));
            System.err.println();
            System.err.print(usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(usage());
            return;
        }
        Path socketPath = options.socket();
        Path filePath = options.file();

        TrainingMonitor monitor = new TrainingMonitor(socketPath, filePath, options.fromEnd(), options.metric(), null,
                Clock.systemUTC());
        try {
            monitor.start();
        } catch (IOException e) {
            if (filePath == null) {
                throw e;
            }
            // The bridge (or another monitor) has the socket: trainers write there, not to the
            // file, but what does reach the file is still worth showing.
            System.err.println(TerminalText.safe("TrainingMonitor: " + e.getMessage() + "; following the file only."));
            monitor = new TrainingMonitor(null, filePath, options.fromEnd(), options.metric(), null, Clock.systemUTC());
            monitor.start();
        }
        monitor.output(MonitorOutput.choose(options.ansi(), monitor.listening()));
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
        boolean stopOnComplete = options.exitOnComplete();
        running.runUntil(() -> {
            synchronized (stop) {
                return stop[0] || (stopOnComplete && running.state().finished());
            }
        });
        if (stopOnComplete) {
            running.settle(Duration.ofSeconds(2));
        }
        running.close();
    }

    /**
     * What {@code --help} prints.
     *
     * @return the usage text, ending in a newline
     */
    static String usage() {
        return String.join(System.lineSeparator(),
                "usage: java -jar training-monitor.jar [options]",
                "",
                "Shows training runs live: listens on the Unix socket trainers send their events to,",
                "and follows the file they fall back to when nothing listens there.",
                "",
                "  --socket PATH       listen here (default: -D" + EmitterSetting.SOCKET.property() + ", else",
                "                      $" + EmitterSetting.SOCKET.environmentVariable() + ", else "
                        + EmitterSetting.SOCKET.defaultValue() + ")",
                "  --no-socket         do not listen; only follow the file",
                "  --file PATH         follow this file (default: -D" + EmitterSetting.FILE.property() + ", else",
                "                      $" + EmitterSetting.FILE.environmentVariable() + ", else "
                        + EmitterSetting.FILE.defaultValue() + ")",
                "  --no-file           do not follow a file",
                "  --from-end          skip what the file already holds (default: read it from the start)",
                "  --metric NAME       the metric each target's sparkline shows (default: the first metric",
                "                      whose name contains \"loss\" or \"auc\", else the first metric)",
                "  --ansi              a screen redrawn in place (default when output is a terminal)",
                "  --plain             one line per change, for pipes, files and CI logs",
                "  --exit-on-complete  exit once the run has reported run_complete",
                "  -h, --help          show this help",
                "");
    }

    /**
     * The monitor's command line.
     *
     * @param socket the socket to listen on, or {@code null} for none
     * @param file the file to follow, or {@code null} for none
     * @param fromEnd skip what the file already holds
     * @param ansi {@code true} for the screen, {@code false} for plain lines, {@code null} to choose by the terminal
     * @param exitOnComplete stop once the run has completed
     * @param metric the sparklines' metric, or {@code null} for the default
     * @param help only print the usage
     */
    record Options(Path socket, Path file, boolean fromEnd, Boolean ansi, boolean exitOnComplete, String metric,
                   boolean help) {

        /**
         * Reads the options; paths not given default as for trainers.
         *
         * @param args the command line
         * @return the options
         * @throws IllegalArgumentException for an unknown option or a missing value, naming it
         */
        static Options parse(String[] args) {
            Path socket = defaultPath(EmitterSetting.SOCKET);
            Path file = defaultPath(EmitterSetting.FILE);
            boolean fromEnd = false;
            boolean exitOnComplete = false;
            Boolean ansi = null;
            String metric = null;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--socket" -> socket = Path.of(value(args, ++i, "--socket"));
                    case "--file" -> file = Path.of(value(args, ++i, "--file"));
                    case "--metric" -> metric = value(args, ++i, "--metric");
                    case "--no-socket" -> socket = null;
                    case "--no-file" -> file = null;
                    case "--from-end" -> fromEnd = true;
                    case "--exit-on-complete" -> exitOnComplete = true;
                    case "--ansi" -> ansi = true;
                    case "--plain" -> ansi = false;
                    case "-h", "--help" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(socket, file, fromEnd, ansi, exitOnComplete, metric, help);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length || args[index].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }

    /**
     * A path as trainers resolve it (the system property, else the environment variable, else the
     * default), through {@code emitter-core}'s own resolver. A blank value counts as unset: a
     * trainer would refuse it, the monitor simply uses the default.
     */
    static Path defaultPath(EmitterSetting setting) {
        return defaultPath(setting, ConfigResolver.ofProcess());
    }

    /** {@link #defaultPath(EmitterSetting)} from the given properties and environment. */
    static Path defaultPath(EmitterSetting setting, ConfigResolver settings) {
        String value = settings.text(setting).value();
        return Path.of(value == null || value.isBlank() ? setting.defaultValue() : value);
    }
}
