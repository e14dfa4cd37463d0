package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/wire-format.md} shows what is really written: every example line passes the
 * validator and the schema, the examples cover every event type, and their times are consistent
 * (elapsed = timestamp − start_time; the ETA follows the documented formula). And its line-size
 * bound holds for the lines it claims it for.
 */
class WireFormatDocTest {

    private static final Path DOC = WireValidator.SCHEMA_FILE.resolveSibling("wire-format.md");

    @TempDir
    Path dir;

    private static List<String> exampleLines() throws IOException {
        List<String> lines = new ArrayList<>();
        boolean inJson = false;
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.equals("```json")) {
                inJson = true;
            } else if (line.equals("```")) {
                inJson = false;
            } else if (inJson && !line.isBlank()) {
                lines.add(line + "\n");
            }
        }
        return lines;
    }

    @Test
    void everyExampleInTheDocIsAValidLineAndEveryTypeHasOne() throws IOException {
        List<JsonNode> examples = WireValidator.validateAll(exampleLines());
        Set<String> types = new LinkedHashSet<>(Lines.types(examples));
        assertEquals(Set.of("run_start", "stage_change", "progress", "heartbeat", "target_complete", "error",
                "run_complete"), types);
        assertTrue(examples.stream().anyMatch(e -> e.has("worker")), "an example with a worker");
    }

    /** The page stands alone: no link or path outside the repository, no talk of its history. */
    @Test
    void theDocNamesNothingOutsideTheRepository() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (String outside : List.of("../../", "shared/", "WIRE.md", "/work/", "the seed", "seed's", "seed design", "issue ")) {
            assertFalse(doc.toLowerCase(java.util.Locale.ROOT).contains(outside.toLowerCase(java.util.Locale.ROOT)),
                    "the page mentions '" + outside + "'");
        }
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("\\]\\(([^)#]+)").matcher(doc);
        while (links.find()) {
            Path target = DOC.resolveSibling(links.group(1)).normalize();
            assertTrue(target.startsWith(DOC.getParent().getParent()) && Files.exists(target),
                    "a link to " + links.group(1) + " leaves the repository or goes nowhere");
        }
    }

    @Test
    void theExamplesTimesAgreeWithEachOther() throws IOException {
        List<JsonNode> examples = WireValidator.validateAll(exampleLines());
        OffsetDateTime start = Lines.time(examples.get(0), "start_time");
        OffsetDateTime stageStart = null;
        for (JsonNode e : examples) {
            long micros = Lines.micros(start, Lines.time(e, "timestamp"));
            assertEquals(micros / 1e6, Lines.elapsed(e), 1e-9, "elapsed of " + e);
            String type = e.get("event_type").textValue();
            if (type.equals("stage_change") && stageStart == null) {
                stageStart = Lines.time(e, "timestamp");
            }
            if (type.equals("progress")) {
                double pct = e.get("progress_pct").doubleValue();
                double inStage = Lines.micros(stageStart, Lines.time(e, "timestamp")) / 1e6;
                double eta = Math.round(inStage * (100 - pct) / pct * 1000) / 1000.0;
                assertEquals(eta, e.get("eta_seconds").doubleValue(), 0.0, "the documented ETA formula");
            }
        }
    }

    /**
     * The documented bound, {@code 30 × maxStringChars + 131 072} bytes, for every type with every
     * string at the limit and made of characters that take six bytes escaped, a worker, the most
     * tags, params and metrics allowed, with the longest names and values (a heartbeat carries
     * fewer strings than a progress).
     */
    @Test
    void everyLineFitsTheDocumentedSize() {
        int max = 64;
        String worst = "\u2028\u00e4".repeat(max);
        Path file = dir.resolve("big.jsonl");
        Map<String, String> tags = new LinkedHashMap<>();
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < 64; i++) {
            String name = String.format("%03d", i) + "\u2028".repeat(500);
            metrics.put(name, -Double.MAX_VALUE);
            if (i < 32) {
                tags.put(name, worst.repeat(10));
                params.put(name, worst.repeat(10));
            }
        }
        try (DefaultTrainingEventEmitter e = Lines.hermetic(worst, dir, file).maxStringChars(max).worker(worst)
                .tags(tags).params(params).build()) {
            e.emitStageChange(worst, worst);
            e.emitProgress(worst, Double.MIN_VALUE, worst, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
                    Long.MAX_VALUE, -Double.MAX_VALUE, metrics);
            e.emitTargetComplete(worst, TargetStatus.SKIPPED, Integer.MAX_VALUE, -Double.MAX_VALUE, metrics);
            e.emitError(worst, worst, true);
            e.emitRunComplete(RunStatus.FAILED);
        }
        List<String> lines = EventFiles.lines(file);
        WireValidator.validateAll(lines);
        assertEquals(6, lines.size());
        int bound = 30 * max + 131_072;
        for (String line : lines) {
            int bytes = line.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= bound, bytes + " bytes > " + bound + ": " + line);
        }
    }
}
