package dev.foxml.training.events.core;

import dev.foxml.training.events.core.support.LogOutput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims about how the jars fit into other people's builds, proven with real child JVMs started
 * from the exact runtime class path Maven resolves for emitter-core (written by
 * maven-dependency-plugin to {@code target/packaging/runtime-classpath.txt}, with older
 * dependency versions copied to {@code target/packaging/old}):
 * <ul>
 *   <li>a trainer that is a named module finds the core through {@code ServiceLoader} on the module
 *       path, with exactly the modules the README lists and nothing printed;</li>
 *   <li>the oldest jackson-core and slf4j-api the README promises write the same bytes as ours.</li>
 * </ul>
 * Run through Maven ({@code mvn verify}); the inputs do not exist otherwise.
 */
class PackagingTest {
    private static final Path PACKAGING = Path.of("target", "packaging").toAbsolutePath();
    private static final Path CORE_CLASSES = Path.of("target", "classes").toAbsolutePath();
    private static final Path TEST_CLASSES = Path.of("target", "test-classes").toAbsolutePath();
    private static final Pattern JACKSON_CORE = Pattern.compile("jackson-core-\\d[^" + Pattern.quote(File.separator) + "]*\\.jar");
    private static final Pattern SLF4J_API = Pattern.compile("slf4j-api-\\d[^" + Pattern.quote(File.separator) + "]*\\.jar");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String MODULE = "dev.foxml.training.events.packagingtest";
    private static final String MODULE_MAIN = "dev.foxml.packagingtest.Main";

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path testModule;
    private static List<String> referenceLines;

    @BeforeAll
    static void compileTheTrainerModule() throws Exception {
        Path src = shared.resolve("module-src");
        Path pkg = Files.createDirectories(src.resolve("dev/foxml/packagingtest"));
        Files.writeString(src.resolve("module-info.java"),
                "module " + MODULE + " {\n"
                        + "    requires dev.foxml.training.events;\n"
                        + "}\n");
        Files.writeString(pkg.resolve("Main.java"), String.join("\n",
                "package dev.foxml.packagingtest;",
                "",
                "import dev.foxml.training.events.*;",
                "import java.util.stream.Collectors;",
                "",
                "/** A trainer that is a named module and knows only the API. */",
                "public final class Main {",
                "    public static void main(String[] args) {",
                "        TrainingEventEmitter emitter = TrainingEvents.init(args[0]);",
                "        System.out.println(\"implementation=\" + emitter.getClass().getModule().getName()",
                "                + \"/\" + emitter.getClass().getName());",
                "        System.out.println(\"modules=\" + ModuleLayer.boot().modules().stream()",
                "                .map(Module::getName)",
                "                .filter(n -> !n.startsWith(\"java.\") && !n.startsWith(\"jdk.\"))",
                "                .sorted().collect(Collectors.joining(\",\")));",
                "        TrainingEvents.emitStageChange(null, \"training\");",
                "        TrainingEvents.emitProgress(\"training\", 50.0, \"ret_5m\", 1, 2);",
                "        TrainingEvents.emitTargetComplete(\"ret_5m\", TargetStatus.SUCCESS, 3, 0.71);",
                "        TrainingEvents.emitRunComplete(RunStatus.SUCCESS);",
                "        TrainingEvents.shutdown();",
                "        System.out.println(\"stats=\" + emitter.stats());",
                "    }",
                "}",
                ""));
        testModule = shared.resolve("module-classes");
        // javac as a process: the tests are compiled into emitter-core's module, which does not
        // read java.compiler (and should not, for a test).
        Path log = shared.resolve("javac.log");
        Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release", "17",
                "--module-path", runtimeClassPath().stream().map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator)),
                "-d", testModule.toString(),
                src.resolve("module-info.java").toString(),
                pkg.resolve("Main.java").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(javac.waitFor(60, TimeUnit.SECONDS), "javac finishes");
        assertEquals(0, javac.exitValue(), "the trainer module compiles: " + Files.readString(log));
    }

    /** emitter-core's runtime dependencies, as resolved by Maven: api, jackson-core, junixsocket, slf4j-api. */
    static List<Path> runtimeClassPath() {
        Path file = PACKAGING.resolve("runtime-classpath.txt");
        assertTrue(Files.isRegularFile(file), file + " is written by maven-dependency-plugin: run the tests through Maven");
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return Stream.of(text.split(Pattern.quote(File.pathSeparator)))
                    .filter(s -> !s.isBlank()).map(Path::of).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> oldJacksonCores() throws IOException {
        try (Stream<Path> files = Files.list(PACKAGING.resolve("old"))) {
            List<Path> jars = files.filter(p -> JACKSON_CORE.matcher(p.getFileName().toString()).matches())
                    .sorted().collect(Collectors.toList());
            assertFalse(jars.isEmpty(), "maven-dependency-plugin copies old jackson-core versions to target/packaging/old");
            return jars.stream();
        }
    }

    private static Path oldSlf4jApi() throws IOException {
        try (Stream<Path> files = Files.list(PACKAGING.resolve("old"))) {
            return files.filter(p -> SLF4J_API.matcher(p.getFileName().toString()).matches())
                    .findFirst().orElseThrow(() -> new AssertionError("no old slf4j-api in target/packaging/old"));
        }
    }

    @Test
    void aTrainerModuleFindsTheCoreOnTheModulePathAndItsEventsReachTheFile() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Child child = runOnModulePath(file, dir.resolve("absent.sock"));

        assertEquals("", child.stderr, "nothing on stderr: no SLF4J notice, no warning (there is nothing to warn about)");
        assertTrue(child.stdout.contains("implementation=dev.foxml.training.events.core/"
                + DefaultTrainingEventEmitter.class.getName()), child.stdout);
        assertTrue(child.stdout.contains("modules=com.fasterxml.jackson.core,com.kohlschutter.junixsocket.nativecommon,"
                + "dev.foxml.training.events,dev.foxml.training.events.core," + MODULE + ",org.newsclub.net.unix,org.slf4j\n"),
                "exactly the modules the README lists, and no others: " + child.stdout);
        List<JsonNode> events = parse(EventFiles.lines(file));
        assertEquals(List.of("run_start", "stage_change", "progress", "target_complete", "run_complete"),
                events.stream().map(e -> e.get("event_type").asText()).collect(Collectors.toList()));
        assertEquals("module-run", events.get(4).get("run_id").asText());
        assertEquals("success", events.get(4).get("status").asText());
    }

    @Test
    void onTheModulePathTheNativeSocketLoadsAndCarriesTheEvents() throws Exception {
        Path socket = dir.resolve("bridge.sock");
        try (LineServer server = LineServer.reading(socket)) {
            Child child = runOnModulePath(dir.resolve("events.jsonl"), socket);
            // junixsocket not loading is warned about (SocketConnector), and with no SLF4J provider
            // even that warning would show as SLF4J's notice: silence means the native socket was used.
            assertEquals("", child.stderr, "no junixsocket fallback warning, no SLF4J notice");
            assertTrue(server.awaitLines(5, 10, SECONDS), "5 lines reach the socket: " + server.lines());
            assertTrue(child.stdout.contains("writtenToSocket=5"), child.stdout);
            assertFalse(Files.exists(dir.resolve("events.jsonl")), "nothing went to the fallback file");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oldJacksonCores")
    void olderJacksonCoreAndSlf4jApiWriteTheSameBytes(Path oldJackson) throws Exception {
        Path slf4j = oldSlf4jApi();
        List<Path> classPath = new ArrayList<>();
        for (Path entry : runtimeClassPath()) {
            String name = entry.getFileName().toString();
            classPath.add(JACKSON_CORE.matcher(name).matches() ? oldJackson
                    : SLF4J_API.matcher(name).matches() ? slf4j : entry);
        }
        assertTrue(classPath.contains(oldJackson) && classPath.contains(slf4j), "swapped in: " + classPath);

        List<String> lines = runPackagingTrainer(classPath, dir.resolve("old.jsonl"), "old");
        assertEquals(normalized(reference()), normalized(lines),
                "with " + oldJackson.getFileName() + " and " + slf4j.getFileName() + " every line is byte-identical"
                        + " to ours (timestamps, durations, pid and emitter_id aside)");
    }

    @Test
    void ourOwnDependenciesWriteValidLinesForEveryKindOfValue() throws Exception {
        List<String> lines = reference();
        List<JsonNode> events = parse(lines);
        assertEquals(13, events.size(), "run_start, 12 events");
        for (String line : lines) {
            assertTrue(line.chars().allMatch(c -> c < 0x80), "only ASCII on the wire: " + line);
        }
        assertEquals("ret_5m \u65e5\u672c\u8a9e \uD83D\uDE80", events.get(6).get("target").asText());
        String message = events.get(9).get("error_message").asText();
        assertTrue(message.contains("ls \u2028 ps \u2029 lone \uFFFD surrogate"), message);
        assertTrue(events.get(10).get("error_message").asText().endsWith("...[truncated]"));
        assertTrue(events.get(5).get("metrics").get("nan").isNull());
    }

    /** The reference run: PackagingTrainer on exactly the class path Maven gives users. */
    private List<String> reference() throws Exception {
        synchronized (PackagingTest.class) {
            if (referenceLines == null) {
                referenceLines = runPackagingTrainer(runtimeClassPath(), dir.resolve("reference.jsonl"), "reference");
            }
            return referenceLines;
        }
    }

    private List<String> runPackagingTrainer(List<Path> dependencies, Path file, String name) throws Exception {
        List<Path> classPath = new ArrayList<>();
        classPath.add(CORE_CLASSES);
        classPath.add(TEST_CLASSES); // PackagingTrainer only; nothing in it is loaded by itself
        classPath.addAll(dependencies);
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(nativeAccess("ALL-UNNAMED"));
        command.addAll(List.of(
                "-cp", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "-Dfoxml.training.event.file=" + file,
                "-Dfoxml.training.event.socket=" + dir.resolve("absent.sock"),
                "-Dfoxml.training.event.worker=rank-1",
                "-Dfoxml.training.event.tags=team=ml,gpu=none",
                PackagingTrainer.class.getName()));
        Child child = run(command, name);
        assertEquals("DONE\n", child.stdout);
        // The trainer's arguments need repairs, which are warned about: with no SLF4J provider on
        // this class path (as in many trainers'), the warnings go to stderr, one line each, and
        // SLF4J is never touched (so it prints no notice of its own).
        assertFalse(child.stderr.isEmpty(), "the repairs are warned about");
        for (String line : child.stderr.lines().collect(Collectors.toList())) {
            assertTrue(line.startsWith(LogOutput.STDERR_PREFIX), "only the emitter's own warnings on stderr, not: " + line);
        }
        return EventFiles.lines(file);
    }

    private Child runOnModulePath(Path file, Path socket) throws Exception {
        List<Path> modulePath = new ArrayList<>();
        modulePath.add(testModule);
        modulePath.add(CORE_CLASSES); // the exploded module, as the jar is only built after the tests
        modulePath.addAll(runtimeClassPath());
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(nativeAccess("org.newsclub.net.unix"));
        command.addAll(List.of(
                "--module-path", modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "-Dfoxml.training.event.file=" + file,
                "-Dfoxml.training.event.socket=" + socket,
                "-m", MODULE + "/" + MODULE_MAIN, "module-run"));
        return run(command, "module");
    }

    /**
     * From Java 24 on, the JVM prints a four-line warning when a library loads native code
     * without native access enabled (JEP 472), as junixsocket does; the README tells users to
     * pass this flag, and the tests pass it too (from Java 22, where the option is final).
     */
    private static List<String> nativeAccess(String module) {
        return Runtime.version().feature() >= 22 ? List.of("--enable-native-access=" + module) : List.of();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Child run(List<String> command, String name) throws Exception {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        Child child = new Child(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        assertTrue(exited, "the child JVM exits by itself: " + child);
        assertEquals(0, p.exitValue(), "exit code of " + command + ": " + child);
        return child;
    }

    private static List<JsonNode> parse(List<String> lines) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            assertTrue(line.endsWith("\n"), "a whole line: " + line);
            events.add(MAPPER.readTree(line));
        }
        return events;
    }

    /** The lines with what differs between two runs (times, durations, the pid) blanked out. */
    private static List<String> normalized(List<String> lines) {
        return lines.stream()
                .map(l -> l.replaceAll("\"(timestamp|start_time)\":\"[^\"]*\"", "\"$1\":\"T\"")
                        .replaceAll("\"emitter_id\":\"[0-9a-f]{16}\"", "\"emitter_id\":\"E\"")
                        .replaceAll("\"(elapsed_seconds|duration_seconds|eta_seconds|pid)\":[^,}]*", "\"$1\":0"))
                .collect(Collectors.toList());
    }

    private static final class Child {
        final String stdout;
        final String stderr;

        Child(String stdout, String stderr) {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "stdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
