package dev.foxml.training.examples.trainer;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the {@link IntelligentTrainer} from the command line. Events go wherever
 * {@code emitter-core} sends them: the Unix socket named by {@code FOXML_TRAINING_EVENT_SOCKET}
 * (or {@code -Dfoxml.training.event.socket}), else the file named by
 * {@code FOXML_TRAINING_EVENT_FILE} (or {@code -Dfoxml.training.event.file}).
 *
 * <pre>
 * TrainerMain [--run-id ID] [--rows N] [--targets ret_5m,ret_1h,...] [--trees N] [--seed N]
 * </pre>
 *
 * <p>Exits with 0 when the run completed (even with failed targets, as the Python trainer reports it),
 * 1 when it failed, 2 on bad arguments.
 */
public final class TrainerMain {

    // Held so the level set below is not lost when the logger is garbage collected.
    private static final Logger TRIBUO_LOGGER = Logger.getLogger("org.tribuo");

    private TrainerMain() {
    }

    public static void main(String[] args) {
        TrainerConfig config = TrainerConfig.defaults();
        String runId = "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                String value = i + 1 < args.length ? args[++i] : missing(option);
                switch (option) {
                    case "--run-id" -> runId = value;
                    case "--rows" -> config = config.withRows(Integer.parseInt(value));
                    case "--targets" -> config = config.withTargets(Arrays.asList(value.split(",")));
                    case "--trees" -> config = config.withTrees(Integer.parseInt(value));
                    case "--seed" -> config = config.withSeed(Long.parseLong(value));
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("TrainerMain: " + e.getMessage());
            System.err.println("usage: TrainerMain [--run-id ID] [--rows N] [--targets a,b,...]"
                    + " [--trees N] [--seed N]");
            System.exit(2);
            return;
        }
        // Tribuo reports every model it trains at INFO; the events already say what happens.
        TRIBUO_LOGGER.setLevel(Level.WARNING);

        System.out.println("training run " + runId);
        try {
            IntelligentTrainer.RunSummary summary = new IntelligentTrainer(config, System.out::println).run(runId);
            System.out.printf("run %s complete in %.1f s: %d of %d targets trained%n", runId,
                    summary.duration().toMillis() / 1000.0, summary.succeeded(), summary.results().size());
        } catch (RuntimeException e) {
            System.err.println("run " + runId + " failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static String missing(String option) {
        throw new IllegalArgumentException(option + " needs a value");
    }
}
