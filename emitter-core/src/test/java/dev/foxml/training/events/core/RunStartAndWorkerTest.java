package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code run_start} line (first, seq 1, facts about the process and the run's tags) and the
 * {@code worker} id on every line, from the builder, the system properties and the environment.
 */
class RunStartAndWorkerTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("events.jsonl");
    }

    private TrainingEventEmitterBuilder builder() {
        return Lines.hermetic("run-rs", dir, file());
    }

    private static UnaryOperator<String> only(String name, String value) {
        return n -> n.equals(name) ? value : null;
    }

    @Test
    void runStartIsTheFirstLineAndDescribesThisProcess() throws IOException {
        Instant before = Instant.now();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("zeta", "last-letter");
        tags.put("alpha", "first-letter");
        tags.put("seed", null);
        try (DefaultTrainingEventEmitter e = builder().tags(tags).build()) {
            e.emitStageChange(null, "training");
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        Instant after = Instant.now();
        List<JsonNode> lines = WireValidator.validateAll(file());
        assertEquals(List.of("run_start", "stage_change", "run_complete"), Lines.types(lines));

        JsonNode start = lines.get(0);
        assertEquals(1, start.get("seq").longValue());
        assertEquals(ProcessHandle.current().pid(), start.get("pid").longValue());
        assertEquals(Runtime.version().toString(), start.get("jvm_version").textValue());
        String host = start.get("host").textValue();
        assertFalse(host.isBlank());
        Path kernelHostname = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(kernelHostname)) {
            assertEquals(Files.readString(kernelHostname).trim(), host, "the kernel's host name, no DNS");
        }
        assertEquals(List.of("zeta", "alpha", "seed"), Lines.keys(start.get("tags")), "tags in the caller's order");
        assertEquals("last-letter", start.get("tags").get("zeta").textValue());
        assertEquals("first-letter", start.get("tags").get("alpha").textValue());
        assertTrue(start.get("tags").get("seed").isNull(), "a tag without a value is null");

        OffsetDateTime startTime = Lines.time(start, "start_time");
        assertFalse(startTime.toInstant().isBefore(before.minusSeconds(1)) || startTime.toInstant().isAfter(after),
                "start_time " + startTime + " is when the emitter was built");
        for (JsonNode line : lines) {
            long micros = Lines.micros(startTime, Lines.time(line, "timestamp"));
            assertTrue(micros >= 0, "no line is older than start_time");
            assertEquals(micros / 1e6, Lines.elapsed(line), 1e-9,
                    "elapsed/duration is timestamp - start_time, to the microsecond: " + line);
        }
    }

    @Test
    void withoutTagsTheTagsAreNull() {
        try (DefaultTrainingEventEmitter e = builder().build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        JsonNode start = WireValidator.validateAll(file()).get(0);
        assertTrue(start.get("tags").isNull());
        assertFalse(start.has("worker"), "no worker key when none is configured");
    }

    @Test
    void runStartCanBeTurnedOff() {
        try (DefaultTrainingEventEmitter e = builder().runStartEvent(false).build()) {
            e.emitStageChange(null, "training");
        }
        List<JsonNode> lines = WireValidator.validateAll(file());
        assertEquals(List.of("stage_change", "run_complete"), Lines.types(lines));
        assertEquals(1, lines.get(0).get("seq").longValue());
    }

    @Test
    void tagsComeFromTheEnvironmentAsKeyValuePairsInOrder() {
        try (DefaultTrainingEventEmitter e = builder()
                .environment(only(TrainingEventEmitterBuilder.TAGS_ENV, " experiment = baseline ,seed=7,url=a=b"))
                .build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        JsonNode tags = WireValidator.validateAll(file()).get(0).get("tags");
        assertEquals(List.of("experiment", "seed", "url"), Lines.keys(tags));
        assertEquals("baseline", tags.get("experiment").textValue());
        assertEquals("7", tags.get("seed").textValue());
        assertEquals("a=b", tags.get("url").textValue(), "the first '=' separates key and value");
    }

    @Test
    void tagsFromASystemPropertyWinOverTheEnvironmentAndTheBuilderWinsOverBoth() {
        try (DefaultTrainingEventEmitter e = builder()
                .environment(only(TrainingEventEmitterBuilder.TAGS_ENV, "from=env"))
                .properties(only(TrainingEventEmitterBuilder.TAGS_PROPERTY, "from=property"))
                .build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        assertEquals("property", WireValidator.validateAll(file()).get(0).get("tags").get("from").textValue());

        Path second = dir.resolve("second.jsonl");
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-rs", dir, second)
                .environment(only(TrainingEventEmitterBuilder.TAGS_ENV, "from=env"))
                .properties(only(TrainingEventEmitterBuilder.TAGS_PROPERTY, "from=property"))
                .tags(Map.of("from", "builder"))
                .build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        assertEquals("builder", WireValidator.validateAll(second).get(0).get("tags").get("from").textValue());
    }

    @Test
    void malformedTagsFailAtBuildWithAMessageThatSaysHowToWriteThem() {
        for (String bad : List.of("experiment", "=baseline", "a=1,,b=2", "a=1, nothing")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder()
                    .environment(only(TrainingEventEmitterBuilder.TAGS_ENV, bad)).build(), bad);
            assertTrue(e.getMessage().contains(TrainingEventEmitterBuilder.TAGS_ENV), e.getMessage());
            assertTrue(e.getMessage().contains("key=value"), e.getMessage());
        }
        IllegalArgumentException fromProperty = assertThrows(IllegalArgumentException.class, () -> builder()
                .properties(only(TrainingEventEmitterBuilder.TAGS_PROPERTY, "oops")).build());
        assertTrue(fromProperty.getMessage().contains(TrainingEventEmitterBuilder.TAGS_PROPERTY),
                fromProperty.getMessage());
        assertFalse(Files.exists(file()), "nothing was written by an emitter that was never built");
    }

    @Test
    void workerFromTheBuilderIsOnEveryLineRightAfterSeq() {
        try (DefaultTrainingEventEmitter e = builder().worker("rank-3").build()) {
            e.emitStageChange(null, "training");
            e.emitProgress("training", 10.0, "ret_5m", 0, 2, Map.of("loss", 1.5));
            e.emitError("boom", "RuntimeError", true);
        } // close() adds run_complete cancelled
        assertWorkerOnEveryLine(file(), "rank-3", 5);
    }

    @Test
    void workerFromTheEnvironment() {
        try (DefaultTrainingEventEmitter e = builder()
                .environment(only(TrainingEventEmitterBuilder.WORKER_ENV, "rank-7")).build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        assertWorkerOnEveryLine(file(), "rank-7", 2);
    }

    @Test
    void workerFromASystemPropertyWinsOverTheEnvironmentAndTheBuilderWinsOverBoth() {
        try (DefaultTrainingEventEmitter e = builder()
                .environment(only(TrainingEventEmitterBuilder.WORKER_ENV, "env"))
                .properties(only(TrainingEventEmitterBuilder.WORKER_PROPERTY, "property")).build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        assertWorkerOnEveryLine(file(), "property", 2);

        Path second = dir.resolve("second.jsonl");
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-rs", dir, second)
                .environment(only(TrainingEventEmitterBuilder.WORKER_ENV, "env"))
                .properties(only(TrainingEventEmitterBuilder.WORKER_PROPERTY, "property"))
                .worker("builder").build()) {
            e.emitRunComplete(RunStatus.SUCCESS);
        }
        assertWorkerOnEveryLine(second, "builder", 2);
    }

    @Test
    void aBlankWorkerIsAConfigurationError() {
        IllegalArgumentException fromEnv = assertThrows(IllegalArgumentException.class, () -> builder()
                .environment(only(TrainingEventEmitterBuilder.WORKER_ENV, "  ")).build());
        assertTrue(fromEnv.getMessage().contains(TrainingEventEmitterBuilder.WORKER_ENV), fromEnv.getMessage());
        IllegalArgumentException fromBuilder = assertThrows(IllegalArgumentException.class,
                () -> builder().worker("").build());
        assertTrue(fromBuilder.getMessage().contains("worker"), fromBuilder.getMessage());
    }

    private static void assertWorkerOnEveryLine(Path file, String worker, int expectedLines) {
        List<JsonNode> lines = WireValidator.validateAll(file);
        assertEquals(expectedLines, lines.size());
        for (JsonNode line : lines) {
            assertEquals(worker, line.get("worker").textValue(), "worker of " + line);
            List<String> keys = Lines.keys(line);
            assertEquals(keys.indexOf("seq") + 1, keys.indexOf("emitter_id"), "emitter_id right after seq: " + keys);
            assertEquals(keys.indexOf("emitter_id") + 1, keys.indexOf("worker"), "worker right after emitter_id: " + keys);
        }
    }
}
