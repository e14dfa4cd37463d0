package dev.foxml.training.examples;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.examples.monitor.MonitorOutput;
import dev.foxml.training.examples.monitor.MonitorState;
import dev.foxml.training.examples.monitor.TerminalText;
import dev.foxml.training.examples.monitor.TrainingMonitor;
import dev.foxml.training.examples.trainer.TrainerMain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Shows one training run live: starts the {@link TrainingMonitor} on a socket and a file in a new
 * temporary directory, launches the trainer ({@link TrainerMain}) as a child JVM (same
 * {@code java}, same class path) whose events go there, and exits when the run is over.
 *
 * <pre>
 * Demo [--ansi | --plain] [--keep] [--trainer-class CLASS] [trainer options, e.g. --rows 20000 --targets ret_5m,ret_1h]
 * </pre>
 *
 * <p>{@code --trainer-class} runs another trainer's {@code main} instead (one of the framework
 * examples, e.g. {@code dev.foxml.training.examples.frameworks.XGBoostExample}); it must accept
 * {@code --run-id ID}.
 *
 * <p>The trainer's own output goes to {@code trainer.log} in that directory, so it does not
 * disturb the screen; when the run did not succeed its last lines are printed. The directory is
 * removed when the demo ends (Ctrl-C included) unless {@code --keep} or
 * {@code -Dfoxml.demo.keep=true} asks to keep it, for the log and the events that went to the
 * file. Exits with 0 when the run completed with {@code success} and the trainer exited
 * normally, 1 otherwise. Ctrl-C stops the trainer too, which reports its run as cancelled.
 */
public final class Demo {

    /** How long the trainer may take to exit after it reported {@code run_complete}. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(15);
    /** How long lines still in flight may take to arrive once the trainer has exited. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** Lines of the trainer's log shown when the run did not succeed. */
    private static final int LOG_TAIL = 15;
    /** Set to {@code true} to keep the demo's directory, as {@code --keep} does. */
    static final String KEEP_PROPERTY = "foxml.demo.keep";

    private Demo() {
    }

    /**
     * How a demo run ended.
     *
     * @param state what the monitor saw
     * @param trainerExitCode the trainer process's exit code
     * @param trainerLog the trainer's standard output and error
     * @param eventFile the fallback file the trainer would write to
     * @param interrupted whether the JVM was asked to stop (Ctrl-C) before the run ended
     * @param trainerLogTail the last lines of the trainer's output, read before the directory may be removed
     */
    record Outcome(MonitorState state, int trainerExitCode, Path trainerLog, Path eventFile, boolean interrupted,
                   List<String> trainerLogTail) {

        boolean success() {
            return trainerExitCode == 0 && "success".equals(state.finalStatus());
        }
    }

    /**
     * Runs the demo; see the class description for the options.
     *
     * @param args the options
     * @throws Exception when the monitor or the trainer cannot start
     */
    public static void main(String[] args) throws Exception {
        Boolean ansi = null;
        boolean keep = Boolean.getBoolean(KEEP_PROPERTY);
        String trainerClass = TrainerMain.class.getName();
        List<String> trainerArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ansi" -> ansi = true;
                case "--plain" -> ansi = false;
                case "--keep" -> keep = true;
                case "--trainer-class" -> trainerClass = i + 1 < args.length ? args[++i] : trainerClass;
                default -> trainerArgs.add(args[i]);
            }
        }
        Boolean chosen = ansi;
        boolean kept = keep;
        String trainer = trainerClass;
        Outcome outcome = inTemporaryDirectory(null, keep, directory -> run(directory,
                System.getProperty("java.class.path"), trainer, trainerArgs, listening -> MonitorOutput.choose(chosen, listening)));

        System.out.println();
        if (kept) {
            System.out.println(TerminalText.safe("trainer output: " + outcome.trainerLog()));
            if (Files.exists(outcome.eventFile()) && Files.size(outcome.eventFile()) > 0) {
                System.out.println(TerminalText.safe("events that went to the fallback file: " + outcome.eventFile()));
            }
        }
        if (outcome.interrupted()) {
            // The JVM is already shutting down; System.exit would wait for this thread forever.
            return;
        }
        if (!outcome.success()) {
            System.out.println("the run did not complete successfully; last lines of the trainer's output:");
            // The log holds what the trainer printed, event strings included: shown safe for the terminal.
            outcome.trainerLogTail().forEach(line -> System.out.println(TerminalText.safe("  " + line)));
            if (!kept) {
                System.out.println("(run again with --keep, or -D" + KEEP_PROPERTY + "=true, to keep the whole log)");
            }
        }
        System.exit(outcome.success() ? 0 : 1);
    }

    /** A step that works in a directory. */
    @FunctionalInterface
    interface InDirectory<T> {
        /**
         * @param directory the directory
         * @return the result
         * @throws IOException when the work fails
         * @throws InterruptedException when interrupted
         */
        T apply(Path directory) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code body} in a new temporary directory and then removes the directory with all it
     * holds, whatever happened, unless {@code keep}.
     *
     * @param parent where to make the directory, or {@code null} for the system's temporary directory
     * @param keep leave the directory in place
     * @param body the work
     * @return what {@code body} returned
     */
    static <T> T inTemporaryDirectory(Path parent, boolean keep, InDirectory<T> body)
            throws IOException, InterruptedException {
        // Short on purpose: a Unix socket path may not exceed 107 bytes.
        Path directory = parent == null ? Files.createTempDirectory("foxml-demo-")
                : Files.createTempDirectory(parent, "foxml-demo-");
        try {
            return body.apply(directory);
        } finally {
            if (!keep) {
                removeTree(directory);
            }
        }
    }

    /** Deletes a directory and everything in it (files, sockets, directories), best effort. */
    static void removeTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            // Deepest first, so each directory is empty when its turn comes.
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    System.err.println(TerminalText.safe("Demo: cannot remove " + path + ": " + e));
                }
            });
        } catch (IOException e) {
            System.err.println(TerminalText.safe("Demo: cannot remove " + directory + ": " + e));
        }
    }

    /**
     * Runs the monitor and a trainer child JVM in {@code directory} until the run is over.
     *
     * @param classPath the class path of the trainer JVM (it needs emitter-core on it)
     * @param trainerArgs options for {@link TrainerMain}
     * @param output makes the monitor's output from the description of where it reads
     */
    static Outcome run(Path directory, String classPath, List<String> trainerArgs,
                       Function<String, MonitorOutput> output)
            throws IOException, InterruptedException {
        return run(directory, classPath, TrainerMain.class.getName(), trainerArgs, output);
    }

    /**
     * As {@link #run(Path, String, List, Function)}, with another trainer.
     *
     * @param trainerClass the trainer's main class; it must accept {@code --run-id ID}
     */
    static Outcome run(Path directory, String classPath, String trainerClass, List<String> trainerArgs,
                       Function<String, MonitorOutput> output)
            throws IOException, InterruptedException {
        Path socket = directory.resolve("events.sock");
        Path file = directory.resolve("events.jsonl");
        Path log = directory.resolve("trainer.log");
        String runId = "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

        TrainingMonitor monitor = new TrainingMonitor(socket, file, false, null, Clock.systemUTC());
        monitor.output(output.apply(monitor.listening()));
        monitor.start();
        Process trainer;
        try {
            trainer = launchTrainer(classPath, trainerClass, socket, file, log, runId, trainerArgs);
        } catch (IOException e) {
            monitor.close();
            throw e;
        }
        boolean[] interrupted = new boolean[1];
        Thread runner = Thread.currentThread();
        Thread stop = new Thread(() -> {
            // Ctrl-C: stop the trainer too (it reports its run as cancelled), and let the
            // monitor show the final state and restore the terminal before the JVM halts.
            synchronized (interrupted) {
                interrupted[0] = true;
            }
            trainer.destroy();
            try {
                runner.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        BooleanSupplier stopping = () -> {
            synchronized (interrupted) {
                return interrupted[0];
            }
        };

        int exitCode;
        try {
            monitor.runUntil(() -> stopping.getAsBoolean() || monitor.state().finished() || !trainer.isAlive());
            long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
            monitor.runUntil(() -> stopping.getAsBoolean() || !trainer.isAlive() || System.nanoTime() > deadline);
            if (trainer.isAlive()) {
                trainer.destroy();
            }
            if (!trainer.waitFor(5, TimeUnit.SECONDS)) {
                trainer.destroyForcibly();
            }
            exitCode = trainer.waitFor();
            monitor.settle(stopping.getAsBoolean() ? Duration.ofSeconds(1) : SETTLE);
            if (!monitor.state().finished() || exitCode != 0) {
                monitor.trainerExited(exitCode);
            }
        } finally {
            monitor.close();
            if (!stopping.getAsBoolean()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(stop);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running or about to; nothing to undo.
                }
            }
        }
        return new Outcome(monitor.state(), exitCode, log, file, stopping.getAsBoolean(), tail(log, LOG_TAIL));
    }

    private static Process launchTrainer(String classPath, String trainerClass, Path socket, Path file, Path log,
                                         String runId, List<String> trainerArgs) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java,
                "-cp", classPath,
                "-D" + EmitterSetting.SOCKET.property() + "=" + socket,
                "-D" + EmitterSetting.FILE.property() + "=" + file,
                trainerClass, "--run-id", runId));
        command.addAll(trainerArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Also as environment variables, as the Python trainers are configured.
        builder.environment().put(EmitterSetting.SOCKET.environmentVariable(), socket.toString());
        builder.environment().put(EmitterSetting.FILE.environmentVariable(), file.toString());
        return builder.start();
    }

    private static List<String> tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }
}
