package dev.foxml.training.examples.trainer;

import java.util.List;
import java.util.Map;

/**
 * Generated market data: feature columns in time order and one boolean label column per target
 * ({@code true} for the target's positive label). Rows are minutes of one instrument; the first
 * {@link #trainRows()} rows are for fitting and the rest, which come later in time, for testing,
 * so no model sees the future of its test rows.
 */
final class MarketData {

    private final List<String> featureNames;
    private final double[][] columns;
    private final Map<String, boolean[]> labels;
    private final int trainRows;

    MarketData(List<String> featureNames, double[][] columns, Map<String, boolean[]> labels, int trainRows) {
        this.featureNames = List.copyOf(featureNames);
        this.columns = columns;
        this.labels = Map.copyOf(labels);
        this.trainRows = trainRows;
    }

    List<String> featureNames() {
        return featureNames;
    }

    int rows() {
        return columns[0].length;
    }

    int trainRows() {
        return trainRows;
    }

    double[] column(String feature) {
        int index = featureNames.indexOf(feature);
        if (index < 0) {
            throw new IllegalArgumentException("no feature " + feature);
        }
        return columns[index];
    }

    boolean[] labels(String target) {
        boolean[] found = labels.get(target);
        if (found == null) {
            throw new IllegalArgumentException("no target " + target);
        }
        return found;
    }

    /** Positive labels in rows [from, to). */
    int positives(String target, int from, int to) {
        boolean[] y = labels(target);
        int count = 0;
        for (int i = from; i < to; i++) {
            if (y[i]) {
                count++;
            }
        }
        return count;
    }
}
