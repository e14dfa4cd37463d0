package dev.foxml.training.events.core;

import dev.foxml.training.events.core.encode.EventEncoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whatever a trainer passes, every line stays one valid line (WireValidator), and a reader
 * decodes the value the trainer meant: escaped characters round-trip exactly, unpaired
 * surrogates become U+FFFD, over-long strings are cut to exactly {@code maxStringChars} ending
 * in {@code ...[truncated]}, a null required string becomes {@code "unknown"}, non-finite numbers
 * become {@code null}, percentages are clamped to [0, 100], negative counts become 0 and
 * {@code targets_complete} never exceeds {@code targets_total}. Each emit call that needed a
 * repair (or carries characters that are a hazard to line readers: C0 controls, U+2028/U+2029)
 * is counted once in {@code invalidArguments}; {@code strict(true)} turns exactly those calls
 * into {@link IllegalArgumentException}s and writes nothing for them.
 *
 * <p>Synchronous emitters writing to a file in {@code @TempDir}; nothing listens on the socket.
 * They are built without the {@code run_start} line, so that each emit call is exactly one line
 * and one {@code seq}; {@link #workerAndTagsCarryEveryHostileString} covers {@code run_start}.
 */
class HostileStringsTest {

    static final int MAX = 4096;
    private static final String MARKER = "...[truncated]";
    private static final String UNKNOWN = "unknown";
    /** An expected number that may be written as 0 or -0 (readers treat both as zero). */
    private static final Object ZERO_EITHER_SIGN = new Object();

    /** The hostile strings, each fed to every string position (also used by PythonBridgeAcceptanceTest). */
    static final List<Hostile> HOSTILE = List.of(
            new Hostile("plain", "ret_5m"),
            new Hostile("quotes", "say \"hi\" and \"bye\""),
            new Hostile("backslashes and a literal backslash-u escape", "C:\\temp\\new \\u0041 \\"),
            new Hostile("newline", "line1\nline2"),
            new Hostile("carriage return", "a\rb"),
            new Hostile("CRLF", "a\r\nb"),
            new Hostile("tab", "a\tb"),
            new Hostile("NUL", "a\u0000b"),
            new Hostile("every C0 control 0..31", allControlCharacters()),
            new Hostile("U+2028", "a\u2028b"),
            new Hostile("U+2029", "a\u2029b"),
            new Hostile("DEL U+007F", "a\u007Fb"),
            new Hostile("lone high surrogate", "a\uD83Db"),
            new Hostile("lone low surrogate", "a\uDE00b"),
            new Hostile("lone high surrogate at the end", "ab\uD83D"),
            new Hostile("reversed pair", "\uDE00\uD83D"),
            new Hostile("valid pair (emoji)", "\uD83D\uDE00"),
            new Hostile("non-ASCII BMP, BOM, U+FFFF", "\u00e4\u00f6\u20ac \u4e2d\u6587 \uFEFF\uFFFF"),
            new Hostile("JSON injection", "\"}\n{\"event_type\": \"run_complete\", \"status\": \"success\"}"),
            new Hostile("100k chars", "x".repeat(100_000)),
            new Hostile("100k chars of emoji, cut inside a pair", "a" + "\uD83D\uDE00".repeat(50_000)),
            new Hostile("exactly maxStringChars", "y".repeat(MAX)),
            new Hostile("maxStringChars + 1", "y".repeat(MAX + 1)),
            new Hostile("empty", ""),
            new Hostile("null", null));

    /** Every string argument of every emit method (run id: see {@link #runIdCarriesEveryHostileString}). */
    enum Position {
        STAGE("progress", "stage", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitProgress(v, 50.0, "ret_5m", 1, 2); }
        },
        STAGE_OF_SHORT_PROGRESS("progress", "stage", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitProgress(v, 50.0); }
        },
        CURRENT_TARGET("progress", "current_target", false) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitProgress("training", 50.0, v, 1, 2); }
        },
        PREVIOUS_STAGE("stage_change", "previous_stage", false) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitStageChange(v, "training"); }
        },
        NEW_STAGE("stage_change", "new_stage", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitStageChange("ranking", v); }
        },
        TARGET("target_complete", "target", true) {
            @Override void emit(TrainingEventEmitter e, String v) {
                e.emitTargetComplete(v, TargetStatus.SUCCESS, 2, 0.7);
            }
        },
        TARGET_OF_SHORT_TARGET_COMPLETE("target_complete", "target", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitTargetComplete(v, TargetStatus.SKIPPED); }
        },
        ERROR_MESSAGE("error", "error_message", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitError(v, "ValueError", true); }
        },
        ERROR_TYPE("error", "error_type", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitError("boom", v, false); }
        },
        THROWABLE_MESSAGE("error", "error_message", true) {
            @Override void emit(TrainingEventEmitter e, String v) { e.emitError(new RuntimeException(v), true); }

            /** A throwable without a message is reported by its class name. */
            @Override String argument(String v) { return v == null ? RuntimeException.class.getName() : v; }
        };

        final String eventType;
        final String field;
        final boolean required;

        Position(String eventType, String field, boolean required) {
            this.eventType = eventType;
            this.field = field;
            this.required = required;
        }

        abstract void emit(TrainingEventEmitter e, String value);

        /** The string that reaches the field (differs from the value only for the Throwable overload). */
        String argument(String v) {
            return v;
        }
    }

    @TempDir
    Path tempDir;

    private int files;

    @TestFactory
    Stream<DynamicTest> everyStringPositionCarriesEveryHostileString() {
        return Arrays.stream(Position.values()).flatMap(position -> HOSTILE.stream().map(h ->
                DynamicTest.dynamicTest(position + " <- " + h.name, () -> {
                    Path file = newFile();
                    try (DefaultTrainingEventEmitter e = emitter("run-1", file, false)) {
                        position.emit(e, h.value);

                        List<JsonNode> lines = WireValidator.validateAll(file);
                        assertEquals(1, lines.size(), "one emit, one line");
                        JsonNode line = lines.get(0);
                        assertEquals(position.eventType, line.get("event_type").textValue());
                        String argument = position.argument(h.value);
                        assertDecodedAs(expectedOnWire(argument, position.required), line.get(position.field));
                        assertEquals(needsRepairOrEscape(argument, position.required) ? 1 : 0,
                                e.stats().invalidArguments(), "invalidArguments after one call");
                        assertEquals(1, e.stats().emitted());
                    }
                })));
    }

    @TestFactory
    Stream<DynamicTest> oneEmitterTakesEveryHostileStringInEveryPositionLineForLine() {
        return Arrays.stream(Position.values()).map(position ->
                DynamicTest.dynamicTest(position.toString(), () -> {
                    Path file = newFile();
                    try (DefaultTrainingEventEmitter e = emitter("run-1", file, false)) {
                        int invalid = 0;
                        for (Hostile h : HOSTILE) {
                            position.emit(e, h.value);
                            invalid += needsRepairOrEscape(position.argument(h.value), position.required) ? 1 : 0;
                        }
                        List<JsonNode> lines = WireValidator.validateAll(file);
                        assertEquals(HOSTILE.size(), lines.size(), "exactly one line per emit");
                        for (int i = 0; i < lines.size(); i++) {
                            assertEquals(i + 1, lines.get(i).get("seq").longValue(), "seq");
                            assertDecodedAs(expectedOnWire(position.argument(HOSTILE.get(i).value), position.required),
                                    lines.get(i).get(position.field));
                        }
                        assertEquals(invalid, e.stats().invalidArguments(), "each invalid call counted once");
                        assertAscii(file);
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> runIdCarriesEveryHostileString() {
        return HOSTILE.stream().map(h -> DynamicTest.dynamicTest("run id <- " + h.name, () -> {
            Path file = newFile();
            if (h.value == null) {
                assertThrows(IllegalArgumentException.class, () -> emitter(null, file, false),
                        "a null run id is a configuration error, reported at build time");
                return;
            }
            try (DefaultTrainingEventEmitter e = emitter(h.value, file, false)) {
                e.emitProgress("training", 10.0);
                e.emitStageChange("training", "done");
                List<JsonNode> lines = WireValidator.validateAll(file);
                assertEquals(2, lines.size());
                for (JsonNode line : lines) {
                    assertDecodedAs(expectedOnWire(h.value, true), line.get("run_id"));
                }
                assertAscii(file);
                if (!h.value.isEmpty() && h.value.length() <= MAX) {
                    // Counted once for the emitter (at build), not once per line. (Over-long run
                    // ids: see aRunIdThatMustBeCutIsCountedOrRejectedAtBuild.)
                    assertEquals(needsRepairOrEscape(h.value, true) ? 1 : 0, e.stats().invalidArguments(),
                            "invalidArguments for a run id that " + (needsRepairOrEscape(h.value, true)
                                    ? "is repaired or escaped" : "is written as given"));
                }
            }
        }));
    }

    /**
     * A run id longer than maxStringChars is written cut (see above), so it is a repaired argument
     * like any other: either build() rejects it (a configuration error, reported early) or the
     * emitter counts it in invalidArguments, as it does for a run id with control characters or
     * unpaired surrogates. Cutting it silently hides that every line carries a different run id
     * than the trainer's.
     */
    @Test
    void aRunIdThatMustBeCutIsCountedOrRejectedAtBuild() {
        String runId = "run-" + "x".repeat(MAX);
        DefaultTrainingEventEmitter e;
        try {
            e = emitter(runId, newFile(), false);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        try (e) {
            assertEquals(1, e.stats().invalidArguments(),
                    "a run id of " + runId.length() + " chars is cut to " + MAX + " on every line, silently");
        }
    }

    /**
     * The worker id (on every line) and the tags of {@code run_start} (values and names) take every
     * hostile string as the other strings do; a blank worker is a configuration error.
     */
    @TestFactory
    Stream<DynamicTest> workerAndTagsCarryEveryHostileString() {
        return HOSTILE.stream().map(h -> DynamicTest.dynamicTest("worker and tags <- " + h.name, () -> {
            Path file = newFile();
            if (h.value == null) {
                assertThrows(NullPointerException.class, () -> DefaultTrainingEventEmitter.builder("run-1").worker(null));
                return;
            }
            if (h.value.isBlank()) {
                IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                        () -> hostileBuilder(file).worker(h.value).build());
                assertTrue(blank.getMessage().contains("worker"), blank.getMessage());
                return;
            }
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("value", h.value);
            tags.put(h.value, "name");
            try (DefaultTrainingEventEmitter e = hostileBuilder(file).worker(h.value).tags(tags).build()) {
                e.emitProgress("training", 10.0);
                e.emitRunComplete(RunStatus.SUCCESS);
                List<JsonNode> lines = WireValidator.validateAll(file);
                assertEquals(List.of("run_start", "progress", "run_complete"),
                        lines.stream().map(l -> l.get("event_type").textValue()).toList());
                for (JsonNode line : lines) {
                    assertDecodedAs(expectedOnWire(h.value, true), line.get("worker"));
                }
                JsonNode written = lines.get(0).get("tags");
                assertDecodedAs(expectedOnWire(h.value, true, EventEncoder.MAX_NAME_CHARS), written.get("value"));
                List<String> names = new ArrayList<>();
                written.fieldNames().forEachRemaining(names::add);
                assertEquals(List.of("value", expectedOnWire(h.value, true, EventEncoder.MAX_NAME_CHARS)), names,
                        "tag names, in order");
                assertAscii(file);
            }
        }));
    }

    private TrainingEventEmitterBuilder hostileBuilder(Path file) {
        return Lines.hermetic("run-1", tempDir, file).maxStringChars(MAX);
    }

    @TestFactory
    Stream<DynamicTest> numbersAreWrittenAsReadersCanTakeThem() {
        return numberCases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            Path file = newFile();
            try (DefaultTrainingEventEmitter e = emitter("run-1", file, false)) {
                c.call.accept(e);
                List<JsonNode> lines = WireValidator.validateAll(file);
                assertEquals(1, lines.size());
                for (Map.Entry<String, Object> expected : c.expected.entrySet()) {
                    assertNumberOrValue(expected.getKey(), expected.getValue(), lines.get(0).get(expected.getKey()));
                }
                assertEquals(c.invalid ? 1 : 0, e.stats().invalidArguments(), "invalidArguments");
            }
        }));
    }

    @Test
    void invalidArgumentsCountsEachInvalidCallExactlyOnce() throws IOException {
        Path file = newFile();
        try (DefaultTrainingEventEmitter e = emitter("run-1", file, false)) {
            int calls = 0;
            int invalid = 0;
            // Several problems in one call are still one invalid call.
            e.emitProgress(null, Double.NaN, "", -1, -2);
            e.emitTargetComplete(null, null, -1, Double.POSITIVE_INFINITY);
            e.emitError(null, null, true);
            e.emitStageChange("", null);
            e.emitProgress("x".repeat(MAX + 1), 500.0, "a\uD800\nb", 9, 3);
            calls += 5;
            invalid += 5;
            for (Position position : Position.values()) {
                for (Hostile h : HOSTILE) {
                    position.emit(e, h.value);
                    calls++;
                    invalid += needsRepairOrEscape(position.argument(h.value), position.required) ? 1 : 0;
                }
            }
            for (NumberCase c : numberCases()) {
                c.call.accept(e);
                calls++;
                invalid += c.invalid ? 1 : 0;
            }
            assertEquals(invalid, e.stats().invalidArguments());
            assertEquals(calls, e.stats().emitted());
            assertEquals(calls, WireValidator.validateAll(file).size());
        }
    }

    @Test
    void strictModeThrowsForExactlyTheInvalidCallsAndWritesTheOthers() throws IOException {
        Path file = newFile();
        int written = 0;
        List<String> wrong = new ArrayList<>();
        try (DefaultTrainingEventEmitter e = strictEmitter(file)) {
            for (Position position : Position.values()) {
                for (Hostile h : HOSTILE) {
                    boolean invalid = needsRepairOrEscape(position.argument(h.value), position.required);
                    written += strictCall(e, position + " <- " + h.name, invalid, x -> position.emit(x, h.value), wrong);
                }
            }
            for (NumberCase c : numberCases()) {
                written += strictCall(e, c.name, c.invalid, c.call, wrong);
            }
            assertTrue(wrong.isEmpty(), "strict mode got these calls wrong:\n" + String.join("\n", wrong));
            List<JsonNode> lines = WireValidator.validateAll(file);
            assertEquals(written, lines.size(), "a line for each valid call and none for a rejected one");
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(i + 1, lines.get(i).get("seq").longValue(), "a rejected call leaves no gap in seq");
            }
            assertEquals(0, e.stats().invalidArguments(), "nothing was repaired");
        }
    }

    private static int strictCall(TrainingEventEmitter e, String name, boolean invalid,
                                  Consumer<TrainingEventEmitter> call, List<String> wrong) {
        try {
            call.accept(e);
            if (invalid) {
                wrong.add(name + ": accepted, expected IllegalArgumentException");
            }
            return 1;
        } catch (IllegalArgumentException rejected) {
            if (!invalid) {
                wrong.add(name + ": rejected (" + rejected.getMessage() + ")");
            }
            return 0;
        }
    }

    @Test
    void strictModeAcceptsAWholeOrdinaryRun() throws IOException {
        Path file = newFile();
        try (DefaultTrainingEventEmitter e = strictEmitter(file)) {
            assertDoesNotThrow(() -> {
                e.emitStageChange(null, "ranking");
                e.emitProgress("ranking", 0);
                e.emitProgress("training", 100.0, "ret_\u00e4\uD83D\uDE00", 3, 3);
                e.emitTargetComplete("ret_5m", TargetStatus.FAILED, 0, Double.NaN);
                e.emitTargetComplete("ret_1h", TargetStatus.SKIPPED);
                e.emitError("CUDA out of memory \"x\" \\ y", "RuntimeError", true);
                e.emitError(new IllegalStateException(), false);
                e.emitRunComplete(RunStatus.SUCCESS);
            });
            assertEquals(8, WireValidator.validateAll(file).size());
        }
    }

    // ---- expectations, stated independently of the encoder ----

    /** What a reader must decode: null required -> "unknown"; cut, then unpaired surrogates -> U+FFFD. */
    static String expectedOnWire(String argument, boolean required) {
        return expectedOnWire(argument, required, MAX);
    }

    /** With another limit: tag keys and values (and metric names) are cut at 128 characters. */
    static String expectedOnWire(String argument, boolean required, int max) {
        if (argument == null) {
            return required ? UNKNOWN : null;
        }
        if (argument.length() > max) {
            return repairSurrogates(argument.substring(0, max - MARKER.length())) + MARKER;
        }
        return repairSurrogates(argument);
    }

    /**
     * Whether a string argument makes its call invalid: null where required, empty, too long, an
     * unpaired surrogate (repairs), or a C0 control or U+2028/U+2029 (escaped, but a hazard to any
     * line-based reader and almost always a bug in the caller).
     */
    static boolean needsRepairOrEscape(String argument, boolean required) {
        if (argument == null) {
            return required;
        }
        if (argument.isEmpty() || argument.length() > MAX) {
            return true;
        }
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return !repairSurrogates(argument).equals(argument);
    }

    static String repairSurrogates(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    private static void assertDecodedAs(String expected, JsonNode actual) {
        if (expected == null) {
            assertTrue(actual.isNull(), () -> "expected null, got " + shorten(actual.toString()));
            return;
        }
        assertTrue(actual.isTextual(), () -> "expected a string, got " + shorten(actual.toString()));
        String got = actual.textValue();
        if (!expected.equals(got)) {
            int at = 0;
            while (at < Math.min(expected.length(), got.length()) && expected.charAt(at) == got.charAt(at)) {
                at++;
            }
            fail("decoded string differs at char " + at + " (expected length " + expected.length() + ", got "
                    + got.length() + "): expected ..." + escape(expected, at) + ", got ..." + escape(got, at));
        }
        if (expected.endsWith(MARKER) && expected.length() == MAX) {
            assertEquals(MAX, got.length(), "a cut string is exactly maxStringChars long");
        }
    }

    private static void assertNumberOrValue(String field, Object expected, JsonNode actual) {
        if (expected == null) {
            assertTrue(actual.isNull(), () -> field + ": expected null, got " + actual);
        } else if (expected == ZERO_EITHER_SIGN) {
            assertTrue(actual.isNumber() && actual.doubleValue() == 0.0, () -> field + ": expected 0, got " + actual);
        } else if (expected instanceof Double) {
            double want = (Double) expected;
            assertTrue(actual.isNumber(), () -> field + ": expected a number, got " + actual);
            // Double.compare: progress_pct of -0.0 must be written as 0, not -0.0.
            assertEquals(0, Double.compare(want, actual.doubleValue()),
                    () -> field + ": expected " + want + ", got " + actual);
        } else if (expected instanceof Integer) {
            assertTrue(actual.isIntegralNumber(), () -> field + ": expected an integer, got " + actual);
            assertEquals(((Integer) expected).longValue(), actual.longValue(), field);
        } else if (expected instanceof String) {
            assertEquals(expected, actual.textValue(), field);
        } else if (expected instanceof Boolean) {
            assertEquals(expected, actual.booleanValue(), field);
        } else {
            throw new IllegalArgumentException(String.valueOf(expected));
        }
    }

    private static void assertAscii(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                fail("byte " + i + " is not ASCII: every non-ASCII character is written as a \\uXXXX escape,"
                        + " as json.dumps does, so the bridge reads the file in any locale");
            }
        }
    }

    // ---- number cases ----

    record NumberCase(String name, Consumer<TrainingEventEmitter> call, Map<String, Object> expected,
                              boolean invalid) {
    }

    /** Every number and status rule, one call each (also used by PythonBridgeAcceptanceTest). */
    static List<NumberCase> numberCases() {
        List<NumberCase> cases = new ArrayList<>();
        double[][] pct = {
                // input, expected (NaN = null), invalid
                {Double.NaN, Double.NaN, 1},
                {Double.POSITIVE_INFINITY, Double.NaN, 1},
                {Double.NEGATIVE_INFINITY, Double.NaN, 1},
                {-0.0, 0.0, 0},
                {0.0, 0.0, 0},
                {1e-300, 1e-300, 0},
                {Double.MIN_VALUE, Double.MIN_VALUE, 0},
                {0.1, 0.1, 0},
                {100.0 / 3, 100.0 / 3, 0},
                {99.99999999999999, 99.99999999999999, 0},
                {100.0, 100.0, 0},
                {100.0000001, 100.0, 1},
                {-5.0, 0.0, 1},
                {-Double.MIN_VALUE, 0.0, 1},
                {Double.MAX_VALUE, 100.0, 1},
                {-Double.MAX_VALUE, 0.0, 1},
        };
        for (double[] p : pct) {
            double in = p[0];
            cases.add(new NumberCase("progress_pct " + in, e -> e.emitProgress("training", in, "t", 1, 2),
                    expect("progress_pct", Double.isNaN(p[1]) ? null : p[1], "targets_complete", 1, "targets_total", 2),
                    p[2] == 1));
        }
        cases.add(new NumberCase("progress_pct NaN (short overload)", e -> e.emitProgress("training", Double.NaN),
                expect("progress_pct", null, "targets_complete", 0, "targets_total", 0), true));

        int[][] counts = {
                // complete, total, written complete, written total, invalid
                {3, 5, 3, 5, 0},
                {0, 0, 0, 0, 0},
                {0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 0},
                {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 0},
                {-5, 5, 0, 5, 1},
                {Integer.MIN_VALUE, 5, 0, 5, 1},
                {3, -1, 0, 0, 1},
                {7, 5, 5, 5, 1},
                {Integer.MIN_VALUE, Integer.MIN_VALUE, 0, 0, 1},
                {Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 0, 1},
        };
        for (int[] c : counts) {
            cases.add(new NumberCase("targets " + c[0] + "/" + c[1],
                    e -> e.emitProgress("training", 50.0, "t", c[0], c[1]),
                    expect("targets_complete", c[2], "targets_total", c[3]), c[4] == 1));
        }

        int[][] models = {{0, 0, 0}, {Integer.MAX_VALUE, Integer.MAX_VALUE, 0}, {-5, 0, 1}, {Integer.MIN_VALUE, 0, 1}};
        for (int[] m : models) {
            cases.add(new NumberCase("models_trained " + m[0],
                    e -> e.emitTargetComplete("t", TargetStatus.SUCCESS, m[0], 0.5),
                    expect("models_trained", m[1], "best_auc", 0.5), m[2] == 1));
        }

        double[][] auc = {
                {Double.NaN, Double.NaN, 0}, // NaN means "no AUC": null, not a problem
                {Double.POSITIVE_INFINITY, Double.NaN, 1},
                {Double.NEGATIVE_INFINITY, Double.NaN, 1},
                {0.65, 0.65, 0},
                {1.0, 1.0, 0},
                {-1.5, -1.5, 0},
                {1e-300, 1e-300, 0},
                {Double.MIN_VALUE, Double.MIN_VALUE, 0},
                {Double.MAX_VALUE, Double.MAX_VALUE, 0},
        };
        for (double[] a : auc) {
            double in = a[0];
            cases.add(new NumberCase("best_auc " + in, e -> e.emitTargetComplete("t", TargetStatus.SUCCESS, 1, in),
                    expect("best_auc", Double.isNaN(a[1]) ? null : a[1], "models_trained", 1), a[2] == 1));
        }
        cases.add(new NumberCase("best_auc -0.0", e -> e.emitTargetComplete("t", TargetStatus.SUCCESS, 1, -0.0),
                expect("best_auc", ZERO_EITHER_SIGN, "models_trained", 1), false));

        cases.add(new NumberCase("target status null", e -> e.emitTargetComplete("t", null, 1, 0.5),
                expect("status", "failed"), true));
        cases.add(new NumberCase("target status null (short overload)", e -> e.emitTargetComplete("t", null),
                expect("status", "failed", "models_trained", 0, "best_auc", null), true));
        cases.add(new NumberCase("run status null", e -> e.emitRunComplete(null), expect("status", "failed"), true));
        cases.add(new NumberCase("recoverable true", e -> e.emitError("m", "t", true), expect("recoverable", true), false));
        cases.add(new NumberCase("recoverable false", e -> e.emitError("m", "t", false), expect("recoverable", false), false));
        return cases;
    }

    private static Map<String, Object> expect(Object... fieldValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < fieldValue.length; i += 2) {
            m.put((String) fieldValue[i], fieldValue[i + 1]);
        }
        return m;
    }

    // ---- plumbing ----

    private DefaultTrainingEventEmitter emitter(String runId, Path file, boolean strict) {
        return Lines.hermetic(runId, tempDir, file)
                .maxStringChars(MAX)
                .strict(strict)
                .runStartEvent(false)
                .build();
    }

    private DefaultTrainingEventEmitter strictEmitter(Path file) {
        return emitter("run-1", file, true);
    }

    private Path newFile() {
        return tempDir.resolve("events-" + (++files) + ".jsonl");
    }

    private static String allControlCharacters() {
        StringBuilder sb = new StringBuilder("<");
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        return sb.append('>').toString();
    }

    private static String escape(String s, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(s.length(), from + 20); i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    record Hostile(String name, String value) {
        @Override
        public String toString() {
            return name;
        }
    }
}
