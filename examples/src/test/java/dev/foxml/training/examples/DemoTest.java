package dev.foxml.training.examples;

import dev.foxml.training.examples.monitor.MonitorOutput;
import dev.foxml.training.examples.monitor.MonitorState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo end to end: a real trainer JVM with the real emitter-core, its events over a real Unix
 * socket into the monitor.
 */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void showsARealRunFromTheFirstEventToRunCompleteAndRemovesItsDirectory() throws Exception {
        Path[] used = new Path[1];
        Demo.Outcome outcome = Demo.inTemporaryDirectory(dir, false, directory -> {
            used[0] = directory;
            return Demo.run(directory, trainerClassPath(),
                    List.of("--rows", "3000", "--trees", "4", "--targets", "ret_5m,ret_1h,crash_1d"),
                    listening -> new QuietOutput());
        });

        MonitorState state = outcome.state();
        assertTrue(outcome.success(), () -> "trainer exit " + outcome.trainerExitCode() + ", status "
                + state.finalStatus() + "; log: " + outcome.trainerLogTail());
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
        assertTrue(used[0].startsWith(dir));
        assertFalse(Files.exists(used[0]), "the demo's directory is removed when it ends");
        assertFalse(outcome.trainerLogTail().isEmpty(), "the log's tail was read before the directory went");
    }

    /** The framework demo's trainer, as {@code exec:exec@xgboost-demo} starts it, ends its run in success. */
    @Test
    void theXGBoostExampleReportsASuccessfulRunToTheMonitor() throws Exception {
        Demo.Outcome outcome = Demo.inTemporaryDirectory(dir, false, directory -> Demo.run(directory,
                trainerClassPath(), dev.foxml.training.examples.frameworks.XGBoostExample.class.getName(),
                List.of("--rows", "3000", "--rounds", "15"), listening -> new QuietOutput()));

        MonitorState state = outcome.state();
        assertTrue(outcome.success(), () -> "trainer exit " + outcome.trainerExitCode() + ", status "
                + state.finalStatus() + "; log: " + outcome.trainerLogTail());
        assertEquals("success", state.finalStatus());
        assertFalse(state.completedTargets().isEmpty(), "targets reported");
        assertEquals(0, state.errorCount());
        assertEquals(0, state.malformed(), "every line emitter-core wrote parsed");
    }

    @Test
    void removesItsDirectoryWithWhatIsInItEvenWhenTheRunFailsUnlessAskedToKeepIt() throws Exception {
        Path[] used = new Path[2];
        assertThrows(IOException.class, () -> Demo.inTemporaryDirectory(dir, false, directory -> {
            used[0] = directory;
            leaveBehind(directory);
            throw new IOException("the trainer could not start");
        }));
        assertFalse(Files.exists(used[0]));

        Demo.inTemporaryDirectory(dir, true, directory -> {
            used[1] = directory;
            leaveBehind(directory);
            return null;
        });
        assertTrue(Files.exists(used[1].resolve("events.sock")), "kept as asked");
        assertTrue(Files.exists(used[1].resolve("nested/trainer.log")));
    }

    /** What a demo run leaves: a log, an events file, a socket file its listener did not remove, a directory. */
    private static void leaveBehind(Path directory) throws IOException {
        Files.writeString(directory.resolve("trainer.log"), "log");
        Files.writeString(directory.resolve("events.jsonl"), "{}\n");
        Files.createDirectories(directory.resolve("nested"));
        Files.writeString(directory.resolve("nested/trainer.log"), "log");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(directory.resolve("events.sock")));
        }
    }

    /** This test JVM's class path without the test classes, whose recording provider is for tests only. */
    private static String trainerClassPath() {
        // Surefire may hide the class path in a manifest-only jar; it names the real one here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
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
