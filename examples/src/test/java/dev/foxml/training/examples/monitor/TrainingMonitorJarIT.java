package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jar {@code package} builds, run as users run it: {@code java -jar training-monitor.jar} in a
 * child JVM, with nothing else on its class path. Failsafe runs it after {@code package} and names
 * the jar; run by surefire (a {@code -Dtest} pattern that matches it) before any jar was built, it
 * is skipped.
 */
class TrainingMonitorJarIT {

    private static final String JAR_PROPERTY = "training.monitor.jar";
    private static final Path JAR = Path.of(System.getProperty(JAR_PROPERTY,
            Path.of(System.getProperty("basedir", "."), "target", "training-monitor.jar").toString()));

    @TempDir
    Path dir;

    @BeforeAll
    static void theJarIsBuilt() {
        if (System.getProperty(JAR_PROPERTY) != null) {
            assertTrue(Files.isRegularFile(JAR), "package built no " + JAR);
        } else {
            assumeTrue(Files.isRegularFile(JAR), "no " + JAR + " yet: it is built by package");
        }
    }

    @Test
    void holdsTheMonitorAndJacksonOnlyAndNamesItsMainClass() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals(TrainingMonitor.class.getName(),
                    jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(jar.getEntry("dev/foxml/training/examples/monitor/TrainingMonitor.class"));
            assertNotNull(jar.getEntry("com/fasterxml/jackson/databind/ObjectMapper.class"));
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertFalse(names.stream().anyMatch(n -> n.startsWith("org/tribuo/")
                    || n.startsWith("dev/foxml/training/examples/trainer/")
                    || n.startsWith("dev/foxml/training/events/") && !isSettingClass(n)),
                    "no trainer, Tribuo or emitter in the monitor's jar: " + names);
            assertNotNull(jar.getEntry("dev/foxml/training/events/core/EmitterSetting.class"),
                    "the emitter's setting names, to find the socket and file as trainers do");
        }
    }

    /** The emitter's setting names and their resolver (and their folders): all of the emitter the monitor holds. */
    private static boolean isSettingClass(String name) {
        return name.endsWith("/") || name.endsWith(".class") && (name.startsWith("dev/foxml/training/events/core/EmitterSetting")
                || name.startsWith("dev/foxml/training/events/core/config/ConfigResolver")
                || name.equals("dev/foxml/training/events/core/config/Quoting.class"));
    }

    @Test
    void printsItsHelpAndRejectsUnknownOptions() throws Exception {
        Result help = run("--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().startsWith("usage: java -jar training-monitor.jar [options]"), help.output());
        assertTrue(help.output().contains("--metric NAME"), help.output());

        Result wrong = run("--bogus");
        assertEquals(2, wrong.exitCode(), wrong.output());
        assertTrue(wrong.output().contains("unknown option --bogus"), wrong.output());
    }

    @Test
    void replaysAFileInPlainLinesWithNoEscapeFromItsEvents() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, TerminalSafetyTest.hostileRun(), StandardCharsets.UTF_8);

        Result result = run("--plain", "--no-socket", "--file", file.toString(), "--exit-on-complete");

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains(" on x^[]0;pwned^G^[[2J^[[31m<U+009B>2J^?y, pid 7, JVM x^[]0;pwned"),
                result.output());
        for (char c : result.output().toCharArray()) {
            assertTrue(c == '\n' || !TerminalText.isControl(c), () -> "a control in: " + result.output());
        }
    }

    private Result run(String... args) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path output = dir.resolve("output-" + System.nanoTime() + ".txt");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the monitor did not exit within 60 s: " + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {
    }
}
