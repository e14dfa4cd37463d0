package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlainLinesTest {

    private static final Instant T0 = Instant.parse("2026-01-21T12:34:56.123456Z");

    @Test
    void writesOneLinePerChangeOfARecordedRun() {
        MonitorState state = new MonitorState();
        PlainLines plain = new PlainLines(false);
        List<String> out = new ArrayList<>();
        for (String line : RecordedLines.run()) {
            out.addAll(plain.describe(state.accept(line, T0), state, T0));
        }

        assertEquals(List.of(
                "[   0.0 s] run run-1",
                "[   0.0 s] stage start -> ranking",
                "[   0.0 s] progress ranking 0%",
                "[   2.5 s] progress ranking 100% (0/3)",
                "[   2.5 s] ignored a line that is not an event (not JSON: {\"event_type\": \"progress\","
                        + " \"stage\": \"ranking\", \"progress_pct\": NaN)",
                "[   2.5 s] stage ranking -> feature_selection",
                "[   2.6 s] progress feature_selection 0% target ret_5m (0/3)",
                "[   2.7 s] progress feature_selection 33% target ret_15m (1/3)",
                "[   2.8 s] progress feature_selection 67% target crash_1d (2/3)",
                "[   3.0 s] stage feature_selection -> training",
                "[   3.0 s] progress training 0% target ret_5m (0/3)",
                "[   7.9 s] target ret_5m: success, 3 models, best AUC 0.798",
                "[   8.0 s] progress training 33% target ret_15m (1/3)",
                "[  12.9 s] target ret_15m: success, 3 models, best AUC 0.713",
                "[  13.0 s] progress training 67% target crash_1d (2/3)",
                "[  13.0 s] error InsufficientLabelsException (recoverable): crash_1d has 7 positive labels ('crash')"
                        + " in 28000 fitting rows and 3 in 12000 test rows; at least 30 and 5 are needed",
                "[  13.0 s] target crash_1d: failed, 0 models, best AUC -",
                "[  13.0 s] ignored a line that is not an event (not JSON: this is not json)",
                "[  13.1 s] progress training 100% (3/3)",
                "[  13.2 s] run complete: success after 13.2 s, 2 of 3 targets succeeded"), out);
    }

    @Test
    void saysWhatTheScreenShowsOfARetriedRunWithTheNewKeys() {
        MonitorState state = new MonitorState();
        PlainLines plain = new PlainLines(false);
        List<String> out = new ArrayList<>();
        for (String line : RecordedLines.retry()) {
            out.addAll(plain.describe(state.accept(line, T0), state, T0));
        }

        assertEquals(List.of(
                "[   0.0 s] run resnet-7",
                "[   0.0 s] run_start 1f3a9c0d on gpu-node-7, pid 4101, JVM 17.0.15+6;"
                        + " params lr=0.001, epochs=3, model=resnet18; tags experiment=baseline",
                "[   0.0 s] stage start -> training",
                "[  10.0 s] progress training 10% target cifar10 (0/1) epoch 0, step 100, 1,510 items/s;"
                        + " loss 2.1, val_auc 0.61",
                "[  12.0 s] run complete: cancelled after 12.0 s, 0 of 0 targets succeeded",
                "[    1:00] another emitter of run resnet-7: 9bc2e4f1 (2 emitters)",
                "[    1:00] run_start 9bc2e4f1 on gpu-node-9, pid 4377, JVM 17.0.15+6;"
                        + " params lr=0.001, epochs=3, model=resnet18; tags experiment=baseline",
                "[    1:00] stage start -> training",
                "[    1:09] progress training 10% target cifar10 (0/1) epoch 0, step 100, 1,480 items/s;"
                        + " loss 2.05, val_auc 0.62, lr 0.001",
                "[    1:19] progress training 30% target cifar10 (0/1) epoch 0, step 300, ETA 40.0 s, 1,490 items/s;"
                        + " loss 1.41, val_auc 0.71, lr 0.001",
                "[    1:29] progress training 50% target cifar10 (0/1) epoch 1, step 500, ETA 30.0 s, 1,500 items/s;"
                        + " loss 0.98, val_auc 0.79, lr 0.001",
                "[    1:39] progress training 70% target cifar10 (0/1) epoch 1, step 700, ETA 17.5 s, 1,510 items/s;"
                        + " loss 0.77, val_auc 0.84, lr 0.001",
                "[    1:49] progress training 90% target cifar10 (0/1) epoch 2, step 900, ETA 5.0 s, 1,520 items/s;"
                        + " loss 0.69, val_auc 0.88, lr 0.001",
                "[    1:54] target cifar10: success, 1 models, best AUC 0.883; loss 0.66, val_auc 0.883;"
                        + " loss ##=-.__ 0.66",
                "[    1:55] run complete: success after 1:55, 1 of 1 targets succeeded"), out);
    }
}
