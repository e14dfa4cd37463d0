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
        PlainLines plain = new PlainLines();
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
}
