package dev.foxml.training.events.core;

import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEvents;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main class of the child JVMs in {@link PackagingTest}: a trainer that uses only the static
 * facade and emits a fixed run touching every kind of value the encoder writes (every event type,
 * metrics, non-ASCII and control characters, lone surrogates, an over-long string, NaN and the
 * infinities, out-of-range numbers), so that two runs on different dependency versions can be
 * compared line by line. Configured by {@code -Dfoxml.training.event.*} properties.
 */
public final class PackagingTrainer {
    private PackagingTrainer() {
    }

    public static void main(String[] args) {
        String runId = args.length > 0 ? args[0] : "packaging-run";
        TrainingEvents.init(runId);
        TrainingEvents.emitStageChange(null, "ranking");
        TrainingEvents.emitProgress("ranking", 12.5);
        TrainingEvents.emitProgress("ranking", Double.NaN, null, -1, -5);
        TrainingEvents.emitStageChange("ranking", "training");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", 0.231);
        metrics.put("lr", 3e-4);
        metrics.put("tiny", 1.0e-12);
        metrics.put("huge", 1.7976931348623157e308);
        metrics.put("nan", Double.NaN);
        metrics.put("inf", Double.NEGATIVE_INFINITY);
        metrics.put("schön \u00e9t\u00e9 \u65e5\u672c", -0.0);
        TrainingEvents.emitProgress("training", 150.0, "ret_5m", 2, 5, metrics);
        TrainingEvents.emitTargetComplete("ret_5m \u65e5\u672c\u8a9e \uD83D\uDE80", TargetStatus.SUCCESS, 3, 0.7123456789);
        TrainingEvents.emitTargetComplete("ret_15m", null, -2, Double.POSITIVE_INFINITY);
        TrainingEvents.emitTargetComplete("ret_1h", TargetStatus.SKIPPED, 0, Double.NaN, Map.of("auc", 0.5));
        TrainingEvents.emitError("quote \" backslash \\ tab \t newline \n nul \u0000 ls \u2028 ps \u2029 "
                + "lone \uD800 surrogate, bell \u0007, del \u007f, latin \u00ff", "java.lang.IllegalStateException", true);
        TrainingEvents.emitError("x".repeat(10_000) + "\u00e9", "Long", false);
        TrainingEvents.emitError(new IllegalArgumentException((String) null), true);
        TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
        TrainingEvents.shutdown();
        System.out.println("DONE");
    }
}
