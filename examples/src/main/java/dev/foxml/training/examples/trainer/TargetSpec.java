package dev.foxml.training.examples.trainer;

import java.util.List;
import java.util.Optional;

/**
 * One target the trainer can learn: a name as the dashboard's trainers use ({@code ret_5m}, ...), how its label
 * is derived from the forward return, and how strongly that return depends on today's features.
 *
 * @param name the target's name, as reported in events
 * @param kind whether the label is the direction of the return or a rare crash
 * @param signalStrength correlation between the hidden signal and the forward return, in [0, 1);
 *     the higher, the higher the AUC a model can reach
 * @param signal how the hidden signal is made from the features of one row
 */
public record TargetSpec(String name, Kind kind, double signalStrength, Signal signal) {

    /** How a forward return becomes a binary label. */
    public enum Kind {
        /** Label {@code up} when the forward return is positive: about half the rows. */
        DIRECTION,
        /** Label {@code crash} when the forward return falls below a ten-unit loss: a handful of rows. */
        CRASH
    }

    /** The hidden signal of one row, from that row's feature values (indexed as in {@link MarketData}). */
    @FunctionalInterface
    public interface Signal {
        double at(FeatureRow row);
    }

    /** Read access to one row's features by name, for signal definitions. */
    public interface FeatureRow {
        double get(String feature);
    }

    /**
     * The standard targets, strongest signal first. Short horizons follow order flow and recent
     * returns, linearly; {@code ret_1h} follows momentum after small moves and reverses after large
     * ones, and {@code ret_4h} falls after funding extremes of either sign, shapes a linear model
     * cannot draw but trees can. {@code crash_1d} has far too few positive labels to train on at
     * any size used here.
     */
    public static final List<TargetSpec> STANDARD = List.of(
            new TargetSpec("ret_5m", Kind.DIRECTION, 0.55,
                    r -> 0.8 * r.get("order_imbalance") - 0.35 * r.get("ret_1")),
            new TargetSpec("ret_15m", Kind.DIRECTION, 0.42,
                    r -> 0.5 * r.get("order_imbalance")
                            + 0.6 * r.get("ret_5") * (r.get("volume_z") > 0 ? 1.0 : 0.2)),
            new TargetSpec("ret_30m", Kind.DIRECTION, 0.32,
                    r -> 0.6 * r.get("ret_15") - 0.4 * (r.get("rsi_14") - 50.0) / 15.0),
            new TargetSpec("ret_1h", Kind.DIRECTION, 0.30,
                    r -> Math.abs(r.get("ret_60")) < 1.2 ? r.get("ret_60") : -0.8 * r.get("ret_60")),
            new TargetSpec("ret_4h", Kind.DIRECTION, 0.25,
                    r -> 1.0 - r.get("funding_rate") * r.get("funding_rate")),
            new TargetSpec("crash_1d", Kind.CRASH, 0.15,
                    r -> r.get("vol_ratio") - 1.0));

    /** The standard target of that name, if there is one. */
    public static Optional<TargetSpec> standard(String name) {
        return STANDARD.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The label a model must predict as positive: {@code up} or {@code crash}. */
    public String positiveLabel() {
        return kind == Kind.CRASH ? "crash" : "up";
    }

    /** The other label. */
    public String negativeLabel() {
        return kind == Kind.CRASH ? "calm" : "down";
    }
}
