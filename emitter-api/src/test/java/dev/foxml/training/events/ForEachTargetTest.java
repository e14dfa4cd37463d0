package dev.foxml.training.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The per-target loop on an emitter given to it, with a {@link TargetContext} per target: the
 * overall percentage of progress within a target, and the old {@link TargetTask} form still
 * reporting to the current emitter.
 */
class ForEachTargetTest {

    private final RecordingEmitter emitter = new RecordingEmitter("loop");

    @AfterEach
    void nothingCurrent() {
        TrainingEvents.install(null);
    }

    @Test
    void theContextKnowsItsTargetAndReportsProgressWithinItAsOverallProgress() {
        List<String> seen = new ArrayList<>();
        List<TargetResult> results = TrainingEvents.forEachTarget(emitter, "training", List.of("a", "b", "c", "d"),
                target -> {
                    seen.add(target.target() + " " + target.index() + "/" + target.total() + " " + target.stage());
                    assertSame(emitter, target.emitter());
                    target.progress(50.0);
                    return TargetResult.success(1, 0.5);
                });
        assertEquals(List.of("a 0/4 training", "b 1/4 training", "c 2/4 training", "d 3/4 training"), seen);
        assertEquals(4, results.size());
        assertEquals(List.of(
                "progress training 0.0 a 0/4", "progress training 12.5 a 0/4", "target_complete a SUCCESS 1 0.5",
                "progress training 25.0 b 1/4", "progress training 37.5 b 1/4", "target_complete b SUCCESS 1 0.5",
                "progress training 50.0 c 2/4", "progress training 62.5 c 2/4", "target_complete c SUCCESS 1 0.5",
                "progress training 75.0 d 3/4", "progress training 87.5 d 3/4", "target_complete d SUCCESS 1 0.5",
                "progress training 100.0 null 4/4"), emitter.events());
    }

    @Test
    void epochsWithinATargetCarryTheEpochAndMetricsAndAdvanceWithinItsShare() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        TrainingEvents.forEachTarget(emitter, "training", List.of("ret_5m", "ret_15m"), target -> {
            if (target.index() == 1) {
                for (int epoch = 0; epoch < 4; epoch++) {
                    metrics.put("loss", 1.0 / (epoch + 1));
                    target.epochEnded(epoch, 4, metrics);
                }
            }
            return null;
        });
        assertEquals(List.of(
                "progress training 0.0 ret_5m 0/2", "target_complete ret_5m SUCCESS 0 NaN",
                "progress training 50.0 ret_15m 1/2",
                "progress training 62.5 ret_15m 1/2 epoch=0 step=-1 throughput=NaN {loss=1.0}",
                "progress training 75.0 ret_15m 1/2 epoch=1 step=-1 throughput=NaN {loss=0.5}",
                "progress training 87.5 ret_15m 1/2 epoch=2 step=-1 throughput=NaN {loss=0.3333333333333333}",
                "progress training 100.0 ret_15m 1/2 epoch=3 step=-1 throughput=NaN {loss=0.25}",
                "target_complete ret_15m SUCCESS 0 NaN",
                "progress training 100.0 null 2/2"), emitter.events());
    }

    @Test
    void progressWithStepsAndThroughputAndWithMetricsOnly() {
        TrainingEvents.forEachTarget(emitter, "training", List.of("only"), target -> {
            target.progress(25.0, Map.of("lr", 0.1));
            target.progress(40.0, 2, 800, 1234.5, null);
            return TargetResult.skipped();
        });
        assertEquals(List.of(
                "progress training 0.0 only 0/1",
                "progress training 25.0 only 0/1 {lr=0.1}",
                "progress training 40.0 only 0/1 epoch=2 step=800 throughput=1234.5 null",
                "target_complete only SKIPPED 0 NaN",
                "progress training 100.0 null 1/1"), emitter.events());
    }

    @Test
    void progressWithinATargetStaysInItsShare() {
        TargetContext second = TargetContext.of(emitter, "s", "b", 1, 4);
        assertEquals("TargetContext[b, 2 of 4]", second.toString());
        assertEquals(25.0, second.overallPct(-10.0));
        assertEquals(50.0, second.overallPct(250.0));
        assertEquals(Double.NaN, second.overallPct(Double.NaN));
        second.epochEnded(3, 0, null);
        assertEquals(List.of("progress s 25.0 b 1/4 epoch=3 step=-1 throughput=NaN null"), emitter.events(),
                "an unknown number of epochs keeps the percentage at the target's start");
    }

    @Test
    void aFailingTargetIsReportedAndTheLoopGoesOnOrStops() throws Exception {
        TrainingEvents.forEachTarget(emitter, "training", List.of("a", "b"), target -> {
            if (target.index() == 0) {
                throw new IllegalStateException("diverged");
            }
            return TargetResult.success(2, 0.6);
        });
        assertEquals(List.of("progress training 0.0 a 0/2", "error java.lang.IllegalStateException recoverable: diverged",
                "target_complete a FAILED 0 NaN", "progress training 50.0 b 1/2", "target_complete b SUCCESS 2 0.6",
                "progress training 100.0 null 2/2"), emitter.events());

        RecordingEmitter stopping = new RecordingEmitter("stop");
        IOException failure = new IOException("gone");
        assertSame(failure, assertThrows(IOException.class, () -> TrainingEvents.forEachTarget(stopping, "training",
                List.of("a", "b"), OnTargetFailure.STOP, target -> {
                    throw failure;
                })));
        assertEquals(List.of("progress training 0.0 a 0/2", "error java.io.IOException fatal: gone",
                "target_complete a FAILED 0 NaN"), stopping.events());
    }

    @Test
    void theTargetNameFormStillReportsToTheCurrentEmitter() throws Exception {
        TrainingEvents.install(emitter);
        // The lambda's parameter is the target's name, as before the context existed.
        TrainingEvents.forEachTarget("training", List.of("x"), target -> TargetResult.success(target.length(), 0.9));
        TrainingEvents.forEachTarget("ranking", List.of("y"), OnTargetFailure.STOP, (String target) -> null);
        assertEquals(List.of("progress training 0.0 x 0/1", "target_complete x SUCCESS 1 0.9",
                "progress training 100.0 null 1/1",
                "progress ranking 0.0 y 0/1", "target_complete y SUCCESS 0 NaN",
                "progress ranking 100.0 null 1/1"), emitter.events());
    }

    @Test
    void theContextFormWorksWithTheCurrentEmitter() {
        TrainingEvents.install(emitter);
        TrainingEvents.forEachTarget(TrainingEvents.current(), "training", List.of("x"), target -> {
            target.progress(50.0);
            return null;
        });
        assertEquals(List.of("progress training 0.0 x 0/1", "progress training 50.0 x 0/1",
                "target_complete x SUCCESS 0 NaN", "progress training 100.0 null 1/1"), emitter.events());
    }
}
