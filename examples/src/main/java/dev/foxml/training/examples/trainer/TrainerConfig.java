package dev.foxml.training.examples.trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * How much the trainer does: the size of the generated data, which targets, and how big the
 * models are. The defaults make a run of a few tens of seconds on two cores; tests use
 * {@link #small()}.
 *
 * @param rows rows (minutes) of generated market data, of which 70 % are for fitting
 * @param targets the targets to rank, select features for and train, in the order given
 * @param seed seed of the data and of every model, so runs are reproducible
 * @param featuresPerTarget how many features stage 2 keeps for each target
 * @param trees trees in each of the two forests trained per target
 * @param maxDepth depth limit of those trees
 * @param sgdEpochs passes over the data of the logistic regression
 * @param minPositives fewest positive labels a target needs in its fitting rows to be trained
 */
public record TrainerConfig(int rows, List<TargetSpec> targets, long seed, int featuresPerTarget,
                            int trees, int maxDepth, int sgdEpochs, int minPositives) {

    /** Validates the sizes; a bad configuration fails here, before any event is sent. */
    public TrainerConfig {
        targets = List.copyOf(targets);
        if (rows < 1000) {
            throw new IllegalArgumentException("rows must be at least 1000, got " + rows);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one target is needed");
        }
        if (featuresPerTarget < 1 || trees < 1 || maxDepth < 1 || sgdEpochs < 1 || minPositives < 1) {
            throw new IllegalArgumentException("featuresPerTarget, trees, maxDepth, sgdEpochs and"
                    + " minPositives must all be positive");
        }
    }

    /** The full run of the demo: all standard targets on 40 000 rows. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(40_000, TargetSpec.STANDARD, 42L, 8, 30, 8, 3, 30);
    }

    /** A run of a few seconds for tests: fewer rows and smaller forests, still every target. */
    public static TrainerConfig small() {
        return new TrainerConfig(6_000, TargetSpec.STANDARD, 42L, 6, 8, 6, 2, 30);
    }

    /** This configuration with another number of rows. */
    public TrainerConfig withRows(int newRows) {
        return new TrainerConfig(newRows, targets, seed, featuresPerTarget, trees, maxDepth, sgdEpochs, minPositives);
    }

    /** This configuration with other targets, by standard name (see {@link TargetSpec#STANDARD}). */
    public TrainerConfig withTargets(List<String> names) {
        List<TargetSpec> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(TargetSpec.standard(name).orElseThrow(() -> new IllegalArgumentException(
                    "unknown target " + name + "; known: "
                            + TargetSpec.STANDARD.stream().map(TargetSpec::name).toList())));
        }
        return new TrainerConfig(rows, chosen, seed, featuresPerTarget, trees, maxDepth, sgdEpochs, minPositives);
    }

    /** This configuration with another number of trees per forest. */
    public TrainerConfig withTrees(int newTrees) {
        return new TrainerConfig(rows, targets, seed, featuresPerTarget, newTrees, maxDepth, sgdEpochs, minPositives);
    }

    /** This configuration with another seed. */
    public TrainerConfig withSeed(long newSeed) {
        return new TrainerConfig(rows, targets, newSeed, featuresPerTarget, trees, maxDepth, sgdEpochs, minPositives);
    }
}
