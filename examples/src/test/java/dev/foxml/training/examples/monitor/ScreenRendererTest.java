package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreenRendererTest {

    private static final Instant T0 = Instant.parse("2026-01-21T12:34:56.123456Z");
    private static final String LISTENING = "reading socket /s and file /f";

    private final ScreenRenderer renderer = new ScreenRenderer(false);
    private final MonitorState state = new MonitorState();

    @Test
    void showsNoTrainingRunningBeforeAnyEvent() {
        state.accept("garbage", T0);
        List<String> screen = renderer.render(state, T0, 80, LISTENING);

        assertEquals(List.of("FoxML training monitor", "  " + LISTENING, "", "No training running",
                "  waiting for the first event..."), screen);
    }

    @Test
    void showsRunStageBarTargetAndCompletedTargetsWhileRunning() {
        List<String> lines = RecordedLines.run();
        // Up to and including crash_1d's progress in training: two targets done, one error not yet.
        for (String line : lines.subList(0, lines.indexOf(lines.stream()
                .filter(l -> l.contains("\"seq\": 14")).findFirst().orElseThrow()) + 1)) {
            state.accept(line, T0);
        }
        List<String> screen = renderer.render(state, T0.plusSeconds(1), 80, LISTENING);

        assertEquals(List.of(
                "FoxML training monitor",
                "  " + LISTENING,
                "",
                "Run       run-1",
                "Status    running, elapsed 14.0 s",
                "Stage     training   (ranking > feature_selection > training)",
                "Progress  [###########################-------------]  67%",
                "Target    crash_1d (2/3)",
                "",
                "Completed targets (2)",
                "  TARGET         STATUS    MODELS  BEST AUC",
                "  ret_5m         success        3     0.798",
                "  ret_15m        success        3     0.713",
                "",
                "events 13, duplicates dropped 0, other event types 1, unparseable lines 1"), screen);
    }

    @Test
    void showsTheFinalStatusErrorsAndAFailedTarget() {
        RecordedLines.run().forEach(line -> state.accept(line, T0));
        List<String> screen = renderer.render(state, T0.plusSeconds(100), 80, LISTENING);

        assertTrue(screen.contains("Status    finished: success, elapsed 13.2 s"), screen::toString);
        assertTrue(screen.contains("Progress  [########################################] 100%"), screen::toString);
        assertTrue(screen.contains("Target    - (3/3)"), screen::toString);
        assertTrue(screen.contains("  crash_1d       failed         0         -"), screen::toString);
        assertTrue(screen.contains("Errors (1)"), screen::toString);
        int errors = screen.indexOf("Errors (1)");
        assertEquals(List.of(
                "  InsufficientLabelsException (recoverable): crash_1d has 7 positive labels",
                "    ('crash') in 28000 fitting rows and 3 in 12000 test rows; at least 30 and 5",
                "    are needed"), screen.subList(errors + 1, errors + 4));
        assertEquals("events 17, duplicates dropped 1, other event types 1, unparseable lines 2",
                screen.get(screen.size() - 1));
    }

    @Test
    void showsRunStartEmittersLoopFiguresMetricsAndSparklinesOfARetriedRun() {
        Instant arrived = Instant.parse("2026-01-21T12:01:45Z");
        List<String> lines = RecordedLines.retry();
        // Up to the progress at 70 % (epoch 1, step 700, ETA 17.5 s).
        lines.subList(0, 11).forEach(line -> state.accept(line, arrived));
        List<String> screen = new ScreenRenderer(true).render(state, arrived.plusSeconds(2), 80, LISTENING);

        assertEquals(List.of(
                "FoxML training monitor",
                "  " + LISTENING,
                "",
                "Run       resnet-7",
                "Host      gpu-node-9, pid 4377, JVM 17.0.15+6",
                "Params    lr=0.001, epochs=3, model=resnet18",
                "Tags      experiment=baseline",
                "Emitters  2: 1f3a9c0d (pid 4101) cancelled, 9bc2e4f1 (pid 4377) running",
                "Status    running, elapsed 1:41, ETA 15.5 s, 1,510 items/s",
                "Stage     training",
                "Progress  [\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
                        + "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
                        + "\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591]  70%  epoch 1, step 700",
                "Target    cifar10 (0/1)   loss \u2588\u2588\u2584\u2582\u2581 0.77",
                "Metrics   loss 0.77  val_auc 0.84  lr 0.001",
                "",
                "Completed targets (0)",
                "",
                "events 10, duplicates dropped 1, other event types 0, unparseable lines 0"), screen);

        lines.subList(11, lines.size()).forEach(line -> state.accept(line, arrived));
        screen = new ScreenRenderer(false).render(state, arrived.plusSeconds(2), 80, LISTENING);
        assertTrue(screen.contains("Emitters  2: 1f3a9c0d (pid 4101) cancelled, 9bc2e4f1 (pid 4377) success"),
                screen::toString);
        assertTrue(screen.contains("Status    finished: success, elapsed 1:55"), screen::toString);
        assertTrue(screen.contains("  TARGET         STATUS    MODELS  BEST AUC  loss"), screen::toString);
        assertTrue(screen.contains("  cifar10        success        1     0.883  ##=-.__ 0.66"), screen::toString);
    }

    @Test
    void theSparklineColumnFollowsTheMetricAskedFor() {
        MonitorState asked = new MonitorState("val_auc");
        RecordedLines.retry().forEach(line -> asked.accept(line, T0));
        List<String> screen = renderer.render(asked, T0, 80, LISTENING);

        assertTrue(screen.contains("  cifar10        success        1     0.883  __~+*## 0.883"), screen::toString);
    }

    @Test
    void drawsSparklinesScaledToTheirRangeAndNumbersForPeople() {
        assertEquals("\u2581\u2583\u2585\u2588", ScreenRenderer.sparkline(List.of(0.0, 1.0, 2.0, 3.5), true));
        assertEquals("~~~", ScreenRenderer.sparkline(List.of(2.0, 2.0, 2.0), false), "a flat series sits in the middle");
        List<Double> many = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add((double) i);
        }
        assertEquals(ScreenRenderer.SPARK_WIDTH, ScreenRenderer.sparkline(many, false).length());
        assertEquals("0.883", ScreenRenderer.number(0.883));
        assertEquals("1235", ScreenRenderer.number(1234.5678));
        assertEquals("1.000e-04", ScreenRenderer.number(1e-4));
        assertEquals("0", ScreenRenderer.number(0.0));
        assertEquals("-", ScreenRenderer.number((Double) null));
        assertEquals("12,346 items/s", ScreenRenderer.rate(12345.6));
        assertEquals("3.14 items/s", ScreenRenderer.rate(3.14159));
    }

    @Test
    void saysWhenTheTrainerDisappearedOrWentSilent() {
        state.accept(MonitorStateTest.line("progress", "\"stage\": \"training\", \"progress_pct\": 10"), T0);
        assertEquals("running, elapsed 12.0 s, no event for 12.0 s", ScreenRenderer.status(state, T0.plusSeconds(12)));

        state.connectionClosed(T0.plusSeconds(12));
        assertEquals("trainer disconnected before run_complete, last event 15.0 s ago",
                ScreenRenderer.status(state, T0.plusSeconds(15)));

        state.trainerExited(1, T0.plusSeconds(16));
        assertEquals("trainer exited with code 1 before run_complete, elapsed 0.0 s",
                ScreenRenderer.status(state, T0.plusSeconds(20)));
    }

    @Test
    void neverDrawsALineWiderOrAScreenTallerThanAsked() {
        for (int i = 0; i < 30; i++) {
            state.accept(MonitorStateTest.line("target_complete", "\"target\": \"target_with_a_long_name_" + i
                    + "\", \"status\": \"success\", \"models_trained\": 3, \"best_auc\": 0.6"), T0);
        }
        state.accept(MonitorStateTest.line("error", "\"error_message\": \"" + "x".repeat(500)
                + "\", \"error_type\": \"E\", \"recoverable\": false"), T0);

        List<String> screen = renderer.render(state, T0, 40, 24, LISTENING);

        assertEquals(24, screen.size());
        assertTrue(screen.stream().allMatch(line -> line.length() <= 40), screen::toString);
        // 11 lines above the table, 7 below it (an error takes at most 3): room for 6 rows.
        assertTrue(screen.contains("  ... 25 earlier"), screen::toString);
        assertTrue(screen.contains("    xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."), screen::toString);
        assertTrue(screen.get(screen.size() - 1).startsWith("events 31"), screen::toString);
    }

    @Test
    void controlCharactersFromEventsCannotMoveTheCursor() {
        state.accept(MonitorStateTest.line("progress", "\"stage\": \"train\\u001b[2Jing\", \"progress_pct\": 1"), T0);
        assertTrue(renderer.render(state, T0, 80, LISTENING).stream().noneMatch(l -> l.contains("\u001b")));
    }

    @Test
    void drawsTheBarWithBlocksOnAUnicodeTerminal() {
        state.accept(MonitorStateTest.line("progress", "\"stage\": \"training\", \"progress_pct\": 50"), T0);
        String bar = new ScreenRenderer(true).render(state, T0, 80, LISTENING).stream()
                .filter(l -> l.startsWith("Progress")).findFirst().orElseThrow();
        assertEquals("Progress  [" + "\u2588".repeat(20) + "\u2591".repeat(20) + "]  50%", bar);
    }

    @Test
    void wrapsLongTextAtSpacesAndBreaksLongWords() {
        assertEquals(List.of("  aaa bbb", "    ccc ddd", "    eee"), ScreenRenderer.wrap("aaa bbb ccc ddd eee", 11, 3));
        assertEquals(List.of("  abcdefghi", "    jklmnop"), ScreenRenderer.wrap("abcdefghijklmnop", 11, 3));
        assertEquals(List.of("  aaa bbb", "    cccc..."), ScreenRenderer.wrap("aaa bbb ccccccccc ddd", 11, 2));
    }

    @Test
    void formatsDurationsForPeople() {
        assertEquals("0.0 s", ScreenRenderer.duration(java.time.Duration.ZERO));
        assertEquals("59.9 s", ScreenRenderer.duration(java.time.Duration.ofMillis(59_940)));
        assertEquals("4:05", ScreenRenderer.duration(java.time.Duration.ofSeconds(245)));
        assertEquals("1:04:05", ScreenRenderer.duration(java.time.Duration.ofSeconds(3845)));
    }
}
