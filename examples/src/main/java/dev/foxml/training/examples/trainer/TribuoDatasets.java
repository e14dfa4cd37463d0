package dev.foxml.training.examples.trainer;

import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.Arrays;
import java.util.List;

/**
 * Turns rows of {@link MarketData} into Tribuo datasets for one target and a set of features,
 * in one of two encodings learned from the fitting rows only: standardised values (mean 0,
 * deviation 1) for the SGD logistic regression, or the index of the value's quantile bin for
 * trees. Tribuo's CART tries a split at every distinct value of a feature in every node, so
 * binning continuous features into a few dozen levels makes a forest many times faster to
 * train at almost no cost in AUC, as histogram-based boosting libraries do.
 */
final class TribuoDatasets {

    static final LabelFactory LABELS = new LabelFactory();

    private final MarketData data;
    private final TargetSpec target;
    private final List<String> features;
    private final double[] means;
    private final double[] deviations;
    /** Per feature, the upper edges of its quantile bins; {@code null} for standardised values. */
    private final double[][] binEdges;

    private TribuoDatasets(MarketData data, TargetSpec target, List<String> features, int fitFrom, int fitTo,
                           int bins) {
        this.data = data;
        this.target = target;
        this.features = List.copyOf(features);
        this.means = new double[features.size()];
        this.deviations = new double[features.size()];
        this.binEdges = bins > 0 ? new double[features.size()][] : null;
        for (int j = 0; j < features.size(); j++) {
            double[] column = data.column(features.get(j));
            if (binEdges != null) {
                binEdges[j] = quantileEdges(column, fitFrom, fitTo, bins);
            }
            double sum = 0;
            for (int i = fitFrom; i < fitTo; i++) {
                sum += column[i];
            }
            double mean = sum / (fitTo - fitFrom);
            double squares = 0;
            for (int i = fitFrom; i < fitTo; i++) {
                squares += (column[i] - mean) * (column[i] - mean);
            }
            means[j] = mean;
            deviations[j] = Math.max(Math.sqrt(squares / (fitTo - fitFrom)), 1e-12);
        }
    }

    /** Standardised features, from the statistics of rows [fitFrom, fitTo). */
    static TribuoDatasets standardised(MarketData data, TargetSpec target, List<String> features,
                                       int fitFrom, int fitTo) {
        return new TribuoDatasets(data, target, features, fitFrom, fitTo, 0);
    }

    /** Features as quantile-bin indices in [0, bins), bins taken from rows [fitFrom, fitTo). */
    static TribuoDatasets binned(MarketData data, TargetSpec target, List<String> features,
                                 int fitFrom, int fitTo, int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("need at least 2 bins, got " + bins);
        }
        return new TribuoDatasets(data, target, features, fitFrom, fitTo, bins);
    }

    /** The rows [from, to) as a labelled dataset. */
    Dataset<Label> rows(int from, int to, String description) {
        Label positive = new Label(target.positiveLabel());
        Label negative = new Label(target.negativeLabel());
        boolean[] y = data.labels(target.name());
        double[][] columns = new double[features.size()][];
        for (int j = 0; j < features.size(); j++) {
            columns[j] = data.column(features.get(j));
        }
        String[] names = features.toArray(new String[0]);
        MutableDataset<Label> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance(target.name() + " " + description, LABELS), LABELS);
        for (int i = from; i < to; i++) {
            double[] values = new double[names.length];
            for (int j = 0; j < names.length; j++) {
                values[j] = binEdges != null
                        ? bin(binEdges[j], columns[j][i])
                        : (columns[j][i] - means[j]) / deviations[j];
            }
            dataset.add(new ArrayExample<>(y[i] ? positive : negative, names, values));
        }
        return dataset;
    }

    private static double[] quantileEdges(double[] column, int from, int to, int bins) {
        double[] sorted = Arrays.copyOfRange(column, from, to);
        Arrays.sort(sorted);
        double[] edges = new double[bins - 1];
        for (int b = 1; b < bins; b++) {
            edges[b - 1] = sorted[(int) ((long) b * sorted.length / bins)];
        }
        return edges;
    }

    private static int bin(double[] edges, double value) {
        int found = Arrays.binarySearch(edges, value);
        return found >= 0 ? found + 1 : -found - 1;
    }
}
