package dev.foxml.training.examples.trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Stage 2: keeps the features that say most about a target's label, measured by mutual
 * information between the label and the feature cut into equal-count bins. Only the fitting rows
 * are looked at, so the selection does not leak the test rows into the models.
 */
final class MutualInformationSelector {

    private static final int BINS = 10;

    private final int keep;

    MutualInformationSelector(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("must keep at least one feature, got " + keep);
        }
        this.keep = keep;
    }

    /** The {@code keep} most informative features, most informative first. */
    List<String> select(MarketData data, TargetSpec target) {
        boolean[] y = data.labels(target.name());
        int rows = data.trainRows();
        List<Scored> scored = new ArrayList<>();
        for (String feature : data.featureNames()) {
            scored.add(new Scored(feature, mutualInformation(data.column(feature), y, rows)));
        }
        scored.sort(Comparator.comparingDouble(Scored::bits).reversed());
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < Math.min(keep, scored.size()); i++) {
            selected.add(scored.get(i).feature());
        }
        return selected;
    }

    /** Mutual information in bits between the binned feature and the label over rows [0, rows). */
    static double mutualInformation(double[] feature, boolean[] y, int rows) {
        double[] sorted = Arrays.copyOf(feature, rows);
        Arrays.sort(sorted);
        double[] edges = new double[BINS - 1];
        for (int b = 1; b < BINS; b++) {
            edges[b - 1] = sorted[(int) ((long) b * rows / BINS)];
        }
        long[][] counts = new long[BINS][2];
        long positives = 0;
        for (int i = 0; i < rows; i++) {
            int bin = Arrays.binarySearch(edges, feature[i]);
            bin = bin >= 0 ? bin + 1 : -bin - 1;
            int label = y[i] ? 1 : 0;
            counts[bin][label]++;
            positives += label;
        }
        double[] labelShare = {(rows - positives) / (double) rows, positives / (double) rows};
        double bits = 0;
        for (long[] bin : counts) {
            long binTotal = bin[0] + bin[1];
            for (int label = 0; label < 2; label++) {
                if (bin[label] == 0) {
                    continue;
                }
                double joint = bin[label] / (double) rows;
                double binShare = binTotal / (double) rows;
                bits += joint * Math.log(joint / (binShare * labelShare[label])) / Math.log(2);
            }
        }
        return bits;
    }

    private record Scored(String feature, double bits) {
    }
}
