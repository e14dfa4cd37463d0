package dev.foxml.training.examples.trainer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes {@link MarketData} that behaves enough like a market for the trainer to have real work:
 * returns with fat tails and clustered volatility (GARCH(1,1)), features computed from the past
 * of that series plus slow and fast exogenous ones (order flow, volume, funding), a few pure noise
 * columns that feature selection should drop, and per target a forward return that mixes a
 * hidden signal of the target's strength with fat-tailed noise.
 *
 * <p>Everything is drawn from seeded generators, and each target from its own, so a target's
 * labels do not depend on which other targets are generated.
 */
final class MarketDataGenerator {

    static final List<String> FEATURES = List.of(
            "ret_1", "ret_5", "ret_15", "ret_60", "vol_ratio", "rsi_14",
            "order_imbalance", "volume_z", "spread_bps", "funding_rate",
            "noise_a", "noise_b", "noise_c", "noise_d");

    /** A crash is a forward return below this many units of (unscaled Student-t) noise. */
    static final double CRASH_THRESHOLD = -10.0;

    private static final int WARM_UP = 120;
    private static final double TRAIN_FRACTION = 0.7;

    private MarketDataGenerator() {
    }

    static MarketData generate(int rows, List<TargetSpec> targets, long seed) {
        if (rows < 100) {
            throw new IllegalArgumentException("need at least 100 rows, got " + rows);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int steps = rows + WARM_UP;
        double[] returns = new double[steps];
        double[] variance = new double[steps];
        double[] cumulative = new double[steps + 1];
        double previousReturn = 0;
        double previousVariance = 1;
        for (int t = 0; t < steps; t++) {
            variance[t] = 0.05 + 0.10 * previousReturn * previousReturn + 0.85 * previousVariance;
            returns[t] = Math.sqrt(variance[t]) * studentT4(random) / Math.sqrt(2);
            cumulative[t + 1] = cumulative[t] + returns[t];
            previousReturn = returns[t];
            previousVariance = variance[t];
        }

        double[][] columns = new double[FEATURES.size()][rows];
        double imbalance = 0;
        double volume = 0;
        double funding = 0;
        double[] noise = new double[4];
        for (int t = 0; t < steps; t++) {
            imbalance = autoregressive(imbalance, 0.6, random);
            volume = autoregressive(volume, 0.8, random);
            funding = autoregressive(funding, 0.995, random);
            for (int k = 0; k < noise.length; k++) {
                noise[k] = autoregressive(noise[k], 0.5, random);
            }
            int row = t - WARM_UP;
            if (row < 0) {
                continue;
            }
            double sigma = Math.sqrt(variance[t]);
            set(columns, "ret_1", row, pastReturn(cumulative, t, 1, variance[t]));
            set(columns, "ret_5", row, pastReturn(cumulative, t, 5, variance[t]));
            set(columns, "ret_15", row, pastReturn(cumulative, t, 15, variance[t]));
            set(columns, "ret_60", row, pastReturn(cumulative, t, 60, variance[t]));
            set(columns, "vol_ratio", row, sigma);
            set(columns, "rsi_14", row, rsi(returns, t, 14));
            set(columns, "order_imbalance", row, imbalance);
            set(columns, "volume_z", row, volume + 0.5 * (Math.abs(returns[t]) - 0.8));
            set(columns, "spread_bps", row, 1.5 + 2.0 * sigma + 0.3 * Math.abs(random.nextGaussian()));
            set(columns, "funding_rate", row, funding);
            for (int k = 0; k < noise.length; k++) {
                set(columns, "noise_" + (char) ('a' + k), row, noise[k]);
            }
        }

        Map<String, boolean[]> labels = new HashMap<>();
        for (TargetSpec target : targets) {
            labels.put(target.name(), labels(target, columns, rows, seed));
        }
        return new MarketData(FEATURES, columns, labels, (int) (rows * TRAIN_FRACTION));
    }

    private static boolean[] labels(TargetSpec target, double[][] columns, int rows, long seed) {
        double[] signal = new double[rows];
        double[] values = new double[FEATURES.size()];
        TargetSpec.FeatureRow row = name -> values[FEATURES.indexOf(name)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < values.length; j++) {
                values[j] = columns[j][i];
            }
            signal[i] = target.signal().at(row);
        }
        standardise(signal);
        SplittableRandom random = new SplittableRandom(seed ^ target.name().hashCode() * 0x9E3779B97F4A7C15L);
        double strength = target.signalStrength();
        double noiseScale = Math.sqrt(1 - strength * strength);
        boolean[] y = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            if (target.kind() == TargetSpec.Kind.CRASH) {
                y[i] = strength * signal[i] + studentT4(random) < CRASH_THRESHOLD;
            } else {
                double forwardReturn = strength * signal[i] + noiseScale * studentT4(random) / Math.sqrt(2);
                y[i] = forwardReturn > 0;
            }
        }
        return y;
    }

    private static double pastReturn(double[] cumulative, int t, int horizon, double variance) {
        int from = Math.max(0, t + 1 - horizon);
        return (cumulative[t + 1] - cumulative[from]) / Math.sqrt(horizon * variance);
    }

    private static double rsi(double[] returns, int t, int window) {
        double gains = 0;
        double losses = 0;
        for (int i = Math.max(0, t - window + 1); i <= t; i++) {
            if (returns[i] > 0) {
                gains += returns[i];
            } else {
                losses -= returns[i];
            }
        }
        return gains + losses == 0 ? 50.0 : 100.0 * gains / (gains + losses);
    }

    private static double autoregressive(double previous, double phi, SplittableRandom random) {
        return phi * previous + Math.sqrt(1 - phi * phi) * random.nextGaussian();
    }

    /** Student-t with 4 degrees of freedom (variance 2): the fat tails of minute returns. */
    private static double studentT4(SplittableRandom random) {
        double chiSquare = 0;
        for (int i = 0; i < 4; i++) {
            double g = random.nextGaussian();
            chiSquare += g * g;
        }
        return random.nextGaussian() / Math.sqrt(chiSquare / 4);
    }

    private static void standardise(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(squares / values.length);
        for (int i = 0; i < values.length; i++) {
            values[i] = sd > 0 ? (values[i] - mean) / sd : 0;
        }
    }

    private static void set(double[][] columns, String feature, int row, double value) {
        columns[FEATURES.indexOf(feature)][row] = value;
    }
}
