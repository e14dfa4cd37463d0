package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.EmitterStats;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import dev.foxml.training.events.TrainingEventEmitter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property-based (jqwik): whatever strings, doubles and ints a trainer passes to any emit
 * method (arbitrary UTF-16 including lone surrogates, C0 controls, U+2028/U+2029, strings of
 * up to 20 000 chars; NaN, the infinities, every bit pattern of a double; the whole int
 * range), the call does not throw, writes exactly one line that {@link WireValidator} accepts
 * (but for a {@code run_complete} after the emitter's first, which writes none and is counted),
 * and that line decodes to the value the documented rules give. The rules are restated here,
 * independently of the encoder, as the {@code sanitise} functions below:
 * <ul>
 *   <li>a null required string is {@code "unknown"}, a null optional one is {@code null};</li>
 *   <li>a string longer than {@code maxStringChars} is cut to {@code maxStringChars - 14} chars
 *       followed by {@code "...[truncated]"}; then every unpaired surrogate (including half a
 *       pair the cut split) is U+FFFD;</li>
 *   <li>a non-finite number is {@code null}; {@code progress_pct} is clamped to [0, 100];</li>
 *   <li>a negative count is 0; {@code targets_complete} is at most {@code targets_total};</li>
 *   <li>a null status is {@code "failed"}.</li>
 * </ul>
 * Each call that needed a repair (or carries a control character or line separator) counts
 * once in {@code invalidArguments}.
 *
 * <p>Each property has one synchronous emitter writing to a file in a temporary directory
 * (created and deleted around the property: jqwik has no {@code @TempDir}); each try checks
 * exactly the lines its calls appended. Nothing listens on the socket.
 */
class EmitPropertiesTest {

    /** Small, so that cutting happens often and long strings stay cheap. */
    static final int MAX = 256;
    static final String MARKER = "...[truncated]";
    static final String RUN_ID = "run-p";

    private Path dir;
    private Path file;
    private DefaultTrainingEventEmitter emitter;
    private int files;

    /** One emitter per property (so that its rate-limited warnings stay few), its file read try by try. */
    @BeforeProperty
    void createEmitter() throws IOException {
        dir = Files.createTempDirectory("emit-properties-");
        file = newFile();
        emitter = emitter(RUN_ID, file);
    }

    @AfterProperty
    void deleteEverything() throws IOException {
        emitter.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- one property per emit method ----

    @Property(tries = 300)
    void progress(@ForAll("progress") Call call) {
        assertOneCall(call);
    }

    @Property(tries = 300)
    void progressWithTarget(@ForAll("progressWithTarget") Call call) {
        assertOneCall(call);
    }

    @Property(tries = 300)
    void stageChange(@ForAll("stageChange") Call call) {
        assertOneCall(call);
    }

    @Property(tries = 300)
    void targetComplete(@ForAll("targetComplete") Call call) {
        assertOneCall(call);
    }

    @Property(tries = 300)
    void targetCompleteWithModels(@ForAll("targetCompleteWithModels") Call call) {
        assertOneCall(call);
    }

    /** Only the property's first try writes its run_complete: an emitter writes one, the first. */
    @Property(tries = 50)
    void runComplete(@ForAll("runComplete") Call call) {
        assertOneCall(call);
    }

    @Property(tries = 300)
    void error(@ForAll("error") Call call) {
        assertOneCall(call);
    }

    @Property(tries = 300)
    void errorFromThrowable(@ForAll("errorFromThrowable") Call call) {
        assertOneCall(call);
    }

    /**
     * The run id is written on every line, repaired by the same rules (null is a build error).
     * The warning about a bad run id (one per emitter, so one per try here: kept off the test
     * output) never quotes it.
     */
    @Property(tries = 100)
    void anyRunIdIsWrittenRepairedOnEveryLine(@ForAll("strings") String runId) {
        if (runId == null) {
            return;
        }
        Path file = newFile();
        try (StderrCapture log = new StderrCapture(false);
             DefaultTrainingEventEmitter e = emitter(runId, file)) {
            e.emitProgress("training", 50.0);
            e.emitStageChange("training", "done");
            List<JsonNode> lines = WireValidator.validateAll(file);
            assertEquals(2, lines.size());
            for (JsonNode line : lines) {
                assertField(line, "run_id", sanitiseRequired(runId));
            }
            assertEquals(invalid(runId, true) ? 1 : 0, e.stats().invalidArguments(), "counted once, at build");
            if (runId.length() >= 12) {
                assertFalse(log.text().contains(runId), "the run id is not quoted in warnings");
            }
        } finally {
            deleteQuietly(file);
        }
    }

    /** Random calls of every method, one after another: one line per call, in order, seq without gaps. */
    @Property(tries = 60)
    void aRunOfRandomCallsIsOneValidLinePerCallInOrder(@ForAll @Size(max = 30) List<@From("anyCall") Call> calls) {
        assertCalls(calls);
    }

    /** The generators really produce the hostile cases (a property that never sees them proves nothing). */
    @Property(tries = 1000)
    void theGeneratorsCoverTheHostileCases(@ForAll("strings") String s, @ForAll("doubles") double d,
                                           @ForAll("ints") int i) {
        Statistics.label("string").collect(kind(s));
        Statistics.label("double").collect(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? "infinite"
                : d < 0 ? "negative" : d > 100 ? "above 100" : "0..100");
        Statistics.label("int").collect(i < 0 ? "negative" : "non-negative");
        Statistics.label("string").coverage(c -> {
            for (String k : List.of("null", "empty", "lone surrogate", "control or separator", "longer than max",
                    "exactly max", "plain")) {
                c.check(k).percentage(p -> p > 0.5);
            }
        });
        Statistics.label("double").coverage(c -> {
            for (String k : List.of("NaN", "infinite", "negative", "above 100", "0..100")) {
                c.check(k).percentage(p -> p > 2);
            }
        });
        Statistics.label("int").coverage(c -> c.check("negative").percentage(p -> p > 10));
    }

    private static String kind(String s) {
        if (s == null) {
            return "null";
        }
        if (s.isEmpty()) {
            return "empty";
        }
        if (s.length() > MAX) {
            return "longer than max";
        }
        if (s.length() == MAX) {
            return "exactly max";
        }
        if (!repairSurrogates(s).equals(s)) {
            return "lone surrogate";
        }
        return hasControlOrSeparator(s) ? "control or separator" : "plain";
    }

    // ---- the calls ----

    /** One emit call, the line it must produce, and whether it counts as invalid. */
    record Call(String description, Consumer<TrainingEventEmitter> emit, String eventType,
                Map<String, Object> expected, boolean invalid) {
        @Override
        public String toString() {
            return description;
        }
    }

    @Provide
    Arbitrary<Call> progress() {
        return Combinators.combine(strings(), doubles()).as((stage, pct) -> new Call(
                describe("emitProgress", stage, pct),
                e -> e.emitProgress(stage, pct),
                "progress",
                fields("stage", sanitiseRequired(stage), "progress_pct", sanitisePercent(pct),
                        "current_target", null, "targets_complete", 0L, "targets_total", 0L),
                invalid(stage, true) || invalidPercent(pct)));
    }

    @Provide
    Arbitrary<Call> progressWithTarget() {
        return Combinators.combine(strings(), doubles(), strings(), ints(), ints()).as(
                (stage, pct, target, complete, total) -> {
                    long writtenTotal = Math.max(0, total);
                    long writtenComplete = Math.min(Math.max(0, complete), writtenTotal);
                    return new Call(
                            describe("emitProgress", stage, pct, target, complete, total),
                            e -> e.emitProgress(stage, pct, target, complete, total),
                            "progress",
                            fields("stage", sanitiseRequired(stage), "progress_pct", sanitisePercent(pct),
                                    "current_target", sanitiseOptional(target),
                                    "targets_complete", writtenComplete, "targets_total", writtenTotal),
                            invalid(stage, true) || invalidPercent(pct) || invalid(target, false)
                                    || complete < 0 || total < 0 || complete > total);
                });
    }

    @Provide
    Arbitrary<Call> stageChange() {
        return Combinators.combine(strings(), strings()).as((previous, next) -> new Call(
                describe("emitStageChange", previous, next),
                e -> e.emitStageChange(previous, next),
                "stage_change",
                fields("previous_stage", sanitiseOptional(previous), "new_stage", sanitiseRequired(next)),
                invalid(previous, false) || invalid(next, true)));
    }

    @Provide
    Arbitrary<Call> targetComplete() {
        return Combinators.combine(strings(), targetStatuses()).as((target, status) -> new Call(
                describe("emitTargetComplete", target, status),
                e -> e.emitTargetComplete(target, status),
                "target_complete",
                fields("target", sanitiseRequired(target), "status", status == null ? "failed" : status.wireName(),
                        "models_trained", 0L, "best_auc", null),
                invalid(target, true) || status == null));
    }

    @Provide
    Arbitrary<Call> targetCompleteWithModels() {
        return Combinators.combine(strings(), targetStatuses(), ints(), doubles()).as((target, status, models, auc) -> new Call(
                describe("emitTargetComplete", target, status, models, auc),
                e -> e.emitTargetComplete(target, status, models, auc),
                "target_complete",
                fields("target", sanitiseRequired(target), "status", status == null ? "failed" : status.wireName(),
                        "models_trained", (long) Math.max(0, models), "best_auc", sanitiseNumber(auc)),
                // NaN means "no AUC": null on the wire, not a problem; the infinities are.
                invalid(target, true) || status == null || models < 0 || Double.isInfinite(auc)));
    }

    @Provide
    Arbitrary<Call> runComplete() {
        return Arbitraries.of(RunStatus.class).injectNull(0.3).map(status -> new Call(
                describe("emitRunComplete", status),
                e -> e.emitRunComplete(status),
                "run_complete",
                fields("status", status == null ? "failed" : status.wireName()),
                status == null));
    }

    @Provide
    Arbitrary<Call> error() {
        return Combinators.combine(strings(), strings(), Arbitraries.of(true, false)).as((message, type, recoverable) -> new Call(
                describe("emitError", message, type, recoverable),
                e -> e.emitError(message, type, recoverable),
                "error",
                fields("error_message", sanitiseRequired(message), "error_type", sanitiseRequired(type),
                        "recoverable", recoverable),
                invalid(message, true) || invalid(type, true)));
    }

    @Provide
    Arbitrary<Call> errorFromThrowable() {
        return Combinators.combine(strings(), Arbitraries.of(true, false)).as((message, recoverable) -> {
            String type = IllegalStateException.class.getName();
            // A throwable without a message is reported by its class name.
            String reported = message != null ? message : type;
            return new Call(
                    describe("emitError(new IllegalStateException(m), r)", message, recoverable),
                    e -> e.emitError(new IllegalStateException(message), recoverable),
                    "error",
                    fields("error_message", sanitiseRequired(reported), "error_type", type, "recoverable", recoverable),
                    invalid(reported, true));
        });
    }

    @Provide
    Arbitrary<Call> anyCall() {
        return Arbitraries.oneOf(progress(), progressWithTarget(), stageChange(), targetComplete(),
                targetCompleteWithModels(), runComplete(), error(), errorFromThrowable());
    }

    // ---- the values ----

    /** C0 controls, DEL, JSON's specials, line separators, BOM, non-characters and surrogates of both halves. */
    private static final char[] HAZARDS = hazards();

    private static char[] hazards() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        sb.append("\u007f\"\\/ aZ9{}[]:,\u00e9\u2028\u2029\uFEFF\uFFFE\uFFFF\u4e2d");
        sb.append("\uD800\uDBFF\uDC00\uDFFF\uD83D\uDE00");
        return sb.toString().toCharArray();
    }

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                // any UTF-16 code unit: lone surrogates included
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(MAX + 40)),
                Tuple.of(4, Arbitraries.strings().withChars(HAZARDS).ofMaxLength(MAX + 40)),
                // around the cut, with pairs that it may split
                Tuple.of(2, Arbitraries.strings().withChars("ab\uD83D\uDE00\u00e9\n")
                        .ofMinLength(MAX - 16).ofMaxLength(MAX + 16)),
                Tuple.of(1, Arbitraries.strings().withChars("x\uD83D\uDE00").ofLength(MAX)),
                // long: far beyond the limit
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(4 * MAX).ofMaxLength(20_000)),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(20)))
                .injectNull(0.08);
    }

    @Provide
    Arbitrary<Double> doubles() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.doubles().between(-20.0, 120.0)),
                // every bit pattern: NaNs with payloads, subnormals, the largest magnitudes
                Tuple.of(2, Arbitraries.longs().map(Double::longBitsToDouble)),
                Tuple.of(2, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
                        0.0, -0.0, 100.0, Math.nextUp(100.0), Math.nextDown(0.0), 1e-300, 1e300, 0.1, 1.0 / 3)),
                Tuple.of(1, Arbitraries.doubles().withStandardSpecialValues()));
    }

    @Provide
    Arbitrary<Integer> ints() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(-3, 12)),
                Tuple.of(2, Arbitraries.integers()),
                Tuple.of(1, Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0)));
    }

    private static Arbitrary<TargetStatus> targetStatuses() {
        return Arbitraries.of(TargetStatus.class).injectNull(0.2);
    }

    // ---- the rules, restated independently of the encoder ----

    static String sanitiseRequired(String s) {
        return s == null ? "unknown" : sanitise(s);
    }

    static String sanitiseOptional(String s) {
        return s == null ? null : sanitise(s);
    }

    static String sanitise(String s) {
        if (s.length() > MAX) {
            return repairSurrogates(s.substring(0, MAX - MARKER.length())) + MARKER;
        }
        return repairSurrogates(s);
    }

    static String repairSurrogates(String s) {
        return HostileStringsTest.repairSurrogates(s);
    }

    static Double sanitisePercent(double pct) {
        if (!Double.isFinite(pct)) {
            return null;
        }
        return Math.max(0.0, Math.min(100.0, pct));
    }

    static Double sanitiseNumber(double value) {
        return Double.isFinite(value) ? value : null;
    }

    static boolean invalid(String s, boolean required) {
        if (s == null) {
            return required;
        }
        return s.isEmpty() || s.length() > MAX || hasControlOrSeparator(s) || !repairSurrogates(s).equals(s);
    }

    static boolean invalidPercent(double pct) {
        return !Double.isFinite(pct) || pct < 0.0 || pct > 100.0;
    }

    private static boolean hasControlOrSeparator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    // ---- checking ----

    private void assertOneCall(Call call) {
        assertCalls(List.of(call));
    }

    /**
     * Makes the calls on the property's emitter and checks exactly the lines they appended: one per
     * call, but for a run_complete after the emitter's first, which writes none and is counted.
     */
    private void assertCalls(List<Call> calls) {
        EmitterStats before = emitter.stats();
        long offset = sizeOf(file);
        long invalid = 0;
        long extraRunCompletes = 0;
        boolean runComplete = emitter.isRunComplete();
        List<Call> written = new ArrayList<>();
        for (Call call : calls) {
            call.emit.accept(emitter);
            if (call.eventType.equals("run_complete") && runComplete) {
                extraRunCompletes++;
                continue;
            }
            runComplete |= call.eventType.equals("run_complete");
            written.add(call);
            invalid += call.invalid ? 1 : 0;
        }
        List<JsonNode> lines = WireValidator.validateAll(bytesFrom(file, offset));
        assertEquals(written.size(), lines.size(), "one line per call");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            assertEquals(before.emitted() + i + 1, line.get("seq").longValue(), "seq");
            assertLine(written.get(i), line);
            assertField(line, "run_id", RUN_ID);
        }
        EmitterStats after = emitter.stats();
        assertEquals(invalid, after.invalidArguments() - before.invalidArguments(), "each invalid call counted once");
        assertEquals(written.size(), after.emitted() - before.emitted(), "emitted");
        assertEquals(written.size(), after.writtenToFile() - before.writtenToFile(), "written to the file");
        assertEquals(extraRunCompletes, after.droppedExtraRunComplete() - before.droppedExtraRunComplete(),
                "run_completes after the first");
        assertEquals(after.droppedExtraRunComplete(), after.dropped(), "nothing else dropped");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytesFrom(Path file, long offset) {
        if (!Files.exists(file)) {
            return new byte[0];
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) (c.size() - offset));
            while (buffer.hasRemaining() && c.read(buffer, offset + buffer.position()) >= 0) {
                // read to the end
            }
            return buffer.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertLine(Call call, JsonNode line) {
        assertEquals(call.eventType, line.get("event_type").textValue(), "event_type");
        for (Map.Entry<String, Object> field : call.expected.entrySet()) {
            assertField(line, field.getKey(), field.getValue());
        }
    }

    private static void assertField(JsonNode line, String field, Object expected) {
        JsonNode actual = line.get(field);
        if (expected == null) {
            assertTrue(actual.isNull(), () -> field + ": expected null, got " + shorten(actual.toString()));
        } else if (expected instanceof String) {
            assertTrue(actual.isTextual(), () -> field + ": expected a string, got " + shorten(actual.toString()));
            String want = (String) expected;
            String got = actual.textValue();
            if (!want.equals(got)) {
                int at = 0;
                while (at < Math.min(want.length(), got.length()) && want.charAt(at) == got.charAt(at)) {
                    at++;
                }
                fail(field + " differs at char " + at + " (expected length " + want.length() + ", got "
                        + got.length() + "): expected ..." + show(want.substring(at)) + ", got ..."
                        + show(got.substring(at)));
            }
        } else if (expected instanceof Double) {
            double want = (Double) expected;
            assertTrue(actual.isNumber(), () -> field + ": expected a number, got " + actual);
            // == : 0 and -0 are the same number to every reader; otherwise the exact double.
            assertTrue(want == actual.doubleValue(), () -> field + ": expected " + want + ", got " + actual);
        } else if (expected instanceof Long) {
            assertTrue(actual.isIntegralNumber(), () -> field + ": expected an integer, got " + actual);
            assertEquals((long) (Long) expected, actual.longValue(), field);
        } else if (expected instanceof Boolean) {
            assertTrue(actual.isBoolean(), () -> field + ": expected a boolean, got " + actual);
            assertEquals(expected, actual.booleanValue(), field);
        } else {
            throw new IllegalArgumentException(String.valueOf(expected));
        }
    }

    // ---- plumbing ----

    private DefaultTrainingEventEmitter emitter(String runId, Path file) {
        return Lines.hermetic(runId, dir, file)
                .maxStringChars(MAX)
                .runStartEvent(false)
                .build();
    }

    private Path newFile() {
        return dir.resolve("try-" + (++files) + ".jsonl");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the whole directory goes after the property
        }
    }

    private static Map<String, Object> fields(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    private static String describe(String method, Object... args) {
        List<String> shown = new ArrayList<>();
        for (Object a : args) {
            shown.add(a instanceof String ? "\"" + show((String) a) + "\"" : String.valueOf(a));
        }
        return method + "(" + String.join(", ", shown) + ")";
    }

    /** A string with every non-printable-ASCII char escaped, shortened when long. */
    static String show(String s) {
        String escaped = s.chars().limit(120).mapToObj(c -> c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04X", c)).collect(Collectors.joining());
        return s.length() > 120 ? escaped + "...(" + s.length() + " chars)" : escaped;
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
