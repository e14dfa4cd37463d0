package dev.foxml.training.examples;

import dev.foxml.training.examples.monitor.MonitorOutput;
import dev.foxml.training.examples.monitor.MonitorState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo end to end: a real trainer JVM with the real emitter-core, its events over a real Unix
 * socket into the monitor.
 */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void showsARealRunFromTheFirstEventToRunComplete() throws Exception {
        Demo.Outcome outcome = Demo.run(dir, trainerClassPath(),
                List.of("--rows", "3000", "--trees", "4", "--targets", "ret_5m,ret_1h,crash_1d"),
                listening -> new QuietOutput());

        MonitorState state = outcome.state();
        assertTrue(outcome.success(), () -> "trainer exit " + outcome.trainerExitCode() + ", status "
                + state.finalStatus() + "; log: " + read(outcome.trainerLog()));
        assertTrue(state.runId().startsWith("demo-"), state.runId());
        assertEquals(List.of("ranking", "feature_selection", "training"), state.stages());
        assertEquals(List.of("ret_5m", "ret_1h", "crash_1d"),
                state.completedTargets().stream().map(MonitorState.TargetRow::name).toList());
        MonitorState.TargetRow crash = state.completedTargets().get(2);
        assertEquals("failed", crash.status());
        assertEquals(0, crash.modelsTrained());
        assertEquals(1, state.errorCount());
        assertTrue(state.completedTargets().get(0).bestAuc() > 0.6);
        assertEquals(0, state.malformed(), "every line emitter-core wrote parsed");
        assertFalse(Files.exists(dir.resolve("events.sock")), "the monitor removed its socket");
    }

    /** This test JVM's class path without the test classes, whose recording provider is for tests only. */
    private static String trainerClassPath() {
        // Surefire may hide the class path in a manifest-only jar; it names the real one here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }

    private static final class QuietOutput implements MonitorOutput {
        @Override
        public void update(MonitorState.Update update, MonitorState state, Instant now) {
        }

        @Override
        public void refresh(MonitorState state, Instant now) {
        }

        @Override
        public void finish(MonitorState state, Instant now) {
        }
    }
}
