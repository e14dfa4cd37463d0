package dev.foxml.training.events.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks lines of training events as strictly as {@code docs/wire-format.md} and its two known
 * readers demand: the Python bridge ({@code json.loads} per line of a text-mode file) and the
 * Rust view (serde into {@code usize} / {@code f64} / {@code String} fields). A line that
 * passes here is read by both; a line that fails names the rule it broke.
 *
 * <pre>{@code
 * JsonNode event = WireValidator.validate(line);                 // one line, ending in '\n'
 * List<JsonNode> events = WireValidator.validateAll(eventFile);  // a whole file
 * List<JsonNode> events = WireValidator.validateAll(socketBytes); // raw bytes read from the socket
 * }</pre>
 *
 * <p>What each line must be:
 * <ul>
 *   <li>UTF-8, ending in exactly one {@code '\n'}, with no other raw {@code '\n'} or {@code '\r'}
 *       (Python's text mode splits on both);</li>
 *   <li>one strict JSON object: no NaN/Infinity, no comments, no trailing tokens, no duplicate keys;</li>
 *   <li>keys in the wire order: {@code event_type}, the fields of its type, {@code run_id},
 *       {@code timestamp}; then the additive keys of {@code docs/wire-format.md} in their order:
 *       {@code seq} (an integer ≥ 1), {@code emitter_id} (16 lowercase hex characters),
 *       {@code worker} (a string, only when configured), {@code elapsed_seconds}
 *       ({@code duration_seconds} for {@code run_complete}), and for {@code progress}
 *       {@code eta_seconds}, {@code metrics}, {@code epoch}, {@code step}, {@code throughput}, for
 *       {@code target_complete} {@code metrics}, for {@code run_start} {@code params}; after those,
 *       only keys this validator does not know (the compatibility rules: keys may be added at the
 *       end);</li>
 *   <li>only the seven known event types ({@code progress}, {@code stage_change},
 *       {@code target_complete}, {@code run_complete}, {@code error}, {@code run_start},
 *       {@code heartbeat}); every field of the type present, with its WIRE type: counts are integer
 *       tokens ({@code 3}, never {@code 3.0} or {@code 3e0}) ≥ 0 that fit in 64 bits,
 *       {@code progress_pct} in [0, 100] or null, {@code best_auc} a finite number or null,
 *       {@code status} from the set of its type, {@code recoverable} a boolean, seconds finite and
 *       ≥ 0, {@code metrics} an object of at most 64 numbers-or-null (or null), {@code tags} an
 *       object of strings-or-null (or null);</li>
 *   <li>{@code timestamp} (and {@code start_time}) like {@code 2026-01-21T12:34:56.123456+00:00}
 *       and a real date-time;</li>
 *   <li>the JSON Schema {@code docs/training-events.schema.json} accepts the event (it cannot
 *       state key order or integer tokens, which the checks above do);</li>
 *   <li>no decoded string (key or value) holding an unpaired surrogate (serde rejects them).</li>
 * </ul>
 *
 * <p>Every failure is an {@link AssertionError} (JUnit reports a failure, not an error) whose
 * message starts with the rule, then the offending line, shortened when long.
 */
final class WireValidator {

    private static final ObjectMapper STRICT = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Pattern TIMESTAMP =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}\\+00:00$");

    private static final Set<String> TARGET_STATUSES = Set.of("success", "failed", "skipped");
    private static final Set<String> RUN_STATUSES = Set.of("success", "failed", "cancelled");

    private enum Kind {
        STRING, OPTIONAL_STRING, PERCENT, OPTIONAL_NUMBER, COUNT, BOOLEAN, TARGET_STATUS, RUN_STATUS,
        PID, TIMESTAMP, TAGS, SECONDS, OPTIONAL_SECONDS, METRICS, OPTIONAL_COUNT, PARAMS
    }

    /** At most this many hyperparameters are written on run_start. */
    static final int MAX_PARAMS = 32;

    private static final Pattern EMITTER_ID = Pattern.compile("^[0-9a-f]{16}$");

    /** At most this many metrics are written per event. */
    static final int MAX_METRICS = 64;

    /** The original five types and the new ones: for each event type, its fields in order. */
    private static final Map<String, Map<String, Kind>> SCHEMA = new LinkedHashMap<>();
    /** The additive keys each type carries after {@code seq} and the optional {@code worker}, in order. */
    private static final Map<String, Map<String, Kind>> TRAILING = new LinkedHashMap<>();
    /** Every additive key this validator knows; one of them out of its place is an error, not an unknown key. */
    private static final Set<String> KNOWN_ADDITIVE =
            Set.of("seq", "emitter_id", "worker", "elapsed_seconds", "duration_seconds", "eta_seconds", "metrics",
                    "epoch", "step", "throughput", "params");

    static {
        SCHEMA.put("progress", fields(
                "stage", Kind.STRING,
                "progress_pct", Kind.PERCENT,
                "current_target", Kind.OPTIONAL_STRING,
                "targets_complete", Kind.COUNT,
                "targets_total", Kind.COUNT));
        SCHEMA.put("stage_change", fields(
                "previous_stage", Kind.OPTIONAL_STRING,
                "new_stage", Kind.STRING));
        SCHEMA.put("target_complete", fields(
                "target", Kind.STRING,
                "status", Kind.TARGET_STATUS,
                "models_trained", Kind.COUNT,
                "best_auc", Kind.OPTIONAL_NUMBER));
        SCHEMA.put("run_complete", fields(
                "status", Kind.RUN_STATUS));
        SCHEMA.put("error", fields(
                "error_message", Kind.STRING,
                "error_type", Kind.STRING,
                "recoverable", Kind.BOOLEAN));
        SCHEMA.put("run_start", fields(
                "pid", Kind.PID,
                "host", Kind.STRING,
                "jvm_version", Kind.STRING,
                "start_time", Kind.TIMESTAMP,
                "tags", Kind.TAGS));
        SCHEMA.put("heartbeat", fields(
                "stage", Kind.OPTIONAL_STRING,
                "progress_pct", Kind.PERCENT,
                "current_target", Kind.OPTIONAL_STRING,
                "targets_complete", Kind.COUNT,
                "targets_total", Kind.COUNT));

        for (String type : SCHEMA.keySet()) {
            TRAILING.put(type, fields("elapsed_seconds", Kind.SECONDS));
        }
        TRAILING.put("run_complete", fields("duration_seconds", Kind.SECONDS));
        TRAILING.put("progress", fields(
                "elapsed_seconds", Kind.SECONDS,
                "eta_seconds", Kind.OPTIONAL_SECONDS,
                "metrics", Kind.METRICS,
                "epoch", Kind.OPTIONAL_COUNT,
                "step", Kind.OPTIONAL_COUNT,
                "throughput", Kind.OPTIONAL_SECONDS));
        TRAILING.put("run_start", fields(
                "elapsed_seconds", Kind.SECONDS,
                "params", Kind.PARAMS));
        TRAILING.put("target_complete", fields(
                "elapsed_seconds", Kind.SECONDS,
                "metrics", Kind.METRICS));
    }

    /** Where the JSON Schema lives: {@code docs/} of the repository, beside this module. */
    static final Path SCHEMA_FILE = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("../docs/training-events.schema.json").normalize();

    /** The schema as written in the file. */
    private static final Schema JSON_SCHEMA;
    /**
     * For each event type the file's {@code if/then} dispatch names, the same schema with that
     * dispatch already made: {@code allOf} holds only the type's {@code then}. For an event of
     * that type the verdict is the same (every other {@code if} is false) and several times
     * cheaper to reach, which matters for tests that validate a hundred thousand lines.
     * WireValidatorTest checks that both agree on every sample.
     */
    private static final Map<String, Schema> JSON_SCHEMA_BY_TYPE = new LinkedHashMap<>();

    static {
        JsonNode root;
        try (InputStream in = Files.newInputStream(SCHEMA_FILE)) {
            root = STRICT.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the JSON Schema of the events at " + SCHEMA_FILE
                    + " (tests run with the emitter-core module as working directory)", e);
        }
        JSON_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root);
        for (JsonNode branch : root.get("allOf")) {
            String type = branch.path("if").path("properties").path("event_type").path("const").textValue();
            if (type == null || !branch.has("then")) {
                throw new IllegalStateException("unexpected allOf entry in " + SCHEMA_FILE + ": " + branch);
            }
            com.fasterxml.jackson.databind.node.ObjectNode dispatched = root.deepCopy();
            dispatched.putArray("allOf").add(branch.get("then").deepCopy());
            JSON_SCHEMA_BY_TYPE.put(type, SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(dispatched));
        }
    }

    private WireValidator() {
    }

    /**
     * Validates one line as written, including its terminating {@code '\n'}.
     *
     * @return the decoded event (its fields iterate in the line's order)
     * @throws AssertionError naming the broken rule
     */
    static JsonNode validate(String line) {
        if (line == null) {
            throw new AssertionError("WIRE: the line is null");
        }
        checkFraming(line);
        JsonNode event = parseStrictly(line);
        Map<String, JsonToken> tokens = topLevelTokens(line);
        checkSchema(line, event, tokens);
        return event;
    }

    /**
     * Validates a whole event file: UTF-8 throughout, empty or ending in {@code '\n'} (no torn
     * last line), every line valid.
     *
     * @return the decoded events, one per line, in file order
     */
    static List<JsonNode> validateAll(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AssertionError("WIRE: cannot read the event file " + file + ": " + e, e);
        }
        return validateAll(bytes);
    }

    /**
     * Validates a byte stream of lines exactly as written to the file or the socket; see
     * {@link #validateAll(Path)}.
     */
    static List<JsonNode> validateAll(byte[] stream) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(stream);
        CharBuffer out = CharBuffer.allocate(stream.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new AssertionError("WIRE: the stream is not UTF-8 at byte offset " + in.position());
        }
        String text = out.flip().toString();
        if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
            throw new AssertionError("WIRE: the stream does not end in '\\n' (a torn last line): "
                    + shorten(text.substring(text.lastIndexOf('\n') + 1)));
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        return validateAll(lines);
    }

    /**
     * Validates lines each given <em>with</em> its terminating {@code '\n'} (as written; not the
     * output of {@code Files.readAllLines}, which strips it: use {@link #validateAll(Path)}).
     *
     * @return the decoded events, in order
     */
    static List<JsonNode> validateAll(List<String> lines) {
        List<JsonNode> events = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                events.add(validate(lines.get(i)));
            } catch (AssertionError e) {
                AssertionError withLine = new AssertionError("line " + (i + 1) + " of " + lines.size()
                        + ": " + e.getMessage());
                withLine.initCause(e.getCause());
                throw withLine;
            }
        }
        return events;
    }

    private static void checkFraming(String line) {
        if (line.isEmpty() || line.charAt(line.length() - 1) != '\n') {
            throw fail("the line does not end in '\\n' (lines from Files.readAllLines have lost it;"
                    + " use validateAll(Path))", line);
        }
        int newline = line.indexOf('\n');
        if (newline != line.length() - 1) {
            throw fail("raw '\\n' inside the line at char " + newline, line);
        }
        int cr = line.indexOf('\r');
        if (cr >= 0) {
            throw fail("raw '\\r' in the line at char " + cr + " (Python's text mode splits there)", line);
        }
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        if (!utf8.canEncode(line)) {
            throw fail("the line cannot be encoded as UTF-8 (a raw unpaired surrogate)", line);
        }
    }

    private static JsonNode parseStrictly(String line) {
        JsonNode event;
        try {
            event = STRICT.readTree(line);
        } catch (JsonProcessingException e) {
            throw fail("not strict JSON (" + e.getOriginalMessage() + ")", line);
        }
        if (event == null || !event.isObject()) {
            throw fail("not a JSON object", line);
        }
        return event;
    }

    /** The raw token type of every top-level value, by key: tells {@code 3} from {@code 3.0}. */
    private static Map<String, JsonToken> topLevelTokens(String line) {
        Map<String, JsonToken> tokens = new LinkedHashMap<>();
        try (JsonParser p = STRICT.getFactory().createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                tokens.put(name, p.nextToken());
                p.skipChildren();
            }
        } catch (IOException e) {
            throw fail("not strict JSON (" + e.getMessage() + ")", line);
        }
        return tokens;
    }

    private static void checkSchema(String line, JsonNode event, Map<String, JsonToken> tokens) {
        JsonNode typeNode = event.get("event_type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw fail("event_type is missing or not a string", line);
        }
        String type = typeNode.textValue();
        Map<String, Kind> fields = SCHEMA.get(type);
        if (fields == null) {
            throw fail("unknown event_type '" + type + "' (only " + SCHEMA.keySet() + " are written)", line);
        }
        List<String> expectedOrder = new ArrayList<>();
        expectedOrder.add("event_type");
        expectedOrder.addAll(fields.keySet());
        expectedOrder.add("run_id");
        expectedOrder.add("timestamp");
        expectedOrder.add("seq");
        expectedOrder.add("emitter_id");
        if (event.has("worker")) {
            expectedOrder.add("worker");
        }
        Map<String, Kind> trailing = TRAILING.get(type);
        expectedOrder.addAll(trailing.keySet());
        List<String> actualOrder = new ArrayList<>();
        event.fieldNames().forEachRemaining(actualOrder::add);
        if (actualOrder.size() < expectedOrder.size()
                || !actualOrder.subList(0, expectedOrder.size()).equals(expectedOrder)) {
            throw fail("keys " + actualOrder + " are not in the wire order " + expectedOrder
                    + " (+ unknown additive keys at the end)", line);
        }
        for (String extra : actualOrder.subList(expectedOrder.size(), actualOrder.size())) {
            if (KNOWN_ADDITIVE.contains(extra)) {
                throw fail("'" + extra + "' does not belong to a " + type + " event, or is out of its place", line);
            }
        }

        for (Map.Entry<String, Kind> field : fields.entrySet()) {
            checkField(line, field.getKey(), field.getValue(), event.get(field.getKey()),
                    tokens.get(field.getKey()));
        }
        if (!event.get("run_id").isTextual()) {
            throw fail("run_id is not a string", line);
        }
        checkTimestamp(line, "timestamp", event.get("timestamp"));
        JsonNode seq = event.get("seq");
        if (tokens.get("seq") != JsonToken.VALUE_NUMBER_INT || !seq.canConvertToLong() || seq.longValue() < 1) {
            throw fail("seq is not an integer >= 1 written as an integer", line);
        }
        JsonNode emitterId = event.get("emitter_id");
        if (!emitterId.isTextual() || !EMITTER_ID.matcher(emitterId.textValue()).matches()) {
            throw fail("emitter_id is not 16 lowercase hex characters", line);
        }
        if (event.has("worker") && !event.get("worker").isTextual()) {
            throw fail("worker is not a string", line);
        }
        for (Map.Entry<String, Kind> field : trailing.entrySet()) {
            checkField(line, field.getKey(), field.getValue(), event.get(field.getKey()),
                    tokens.get(field.getKey()));
        }
        checkNoLoneSurrogates(line, event);
        checkJsonSchema(line, event);
    }

    private static void checkJsonSchema(String line, JsonNode event) {
        Schema schema = JSON_SCHEMA_BY_TYPE.getOrDefault(event.path("event_type").asText(), JSON_SCHEMA);
        List<String> errors = messages(schema.validate(event));
        if (!errors.isEmpty()) {
            throw fail("docs/training-events.schema.json rejects the event: " + String.join("; ", errors), line);
        }
    }

    /** What the JSON Schema alone, as written in the file, says about an event: empty when it accepts it. */
    static List<String> schemaErrors(JsonNode event) {
        return messages(JSON_SCHEMA.validate(event));
    }

    /** As {@link #schemaErrors}, through the schema with the event's type already dispatched. */
    static List<String> dispatchedSchemaErrors(JsonNode event) {
        Schema schema = JSON_SCHEMA_BY_TYPE.get(event.path("event_type").asText());
        return schema == null ? schemaErrors(event) : messages(schema.validate(event));
    }

    private static List<String> messages(List<Error> errors) {
        return errors.stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).collect(Collectors.toList());
    }

    private static void checkField(String line, String name, Kind kind, JsonNode value, JsonToken token) {
        switch (kind) {
            case STRING:
                if (!value.isTextual()) {
                    throw fail(name + " is not a string", line);
                }
                break;
            case OPTIONAL_STRING:
                if (!value.isTextual() && !value.isNull()) {
                    throw fail(name + " is neither a string nor null", line);
                }
                break;
            case PERCENT:
                if (value.isNull()) {
                    break;
                }
                if (!value.isNumber() || !Double.isFinite(value.doubleValue())
                        || value.doubleValue() < 0.0 || value.doubleValue() > 100.0) {
                    throw fail(name + " is not a number in [0, 100] or null", line);
                }
                break;
            case OPTIONAL_NUMBER:
                if (!value.isNull() && (!value.isNumber() || !Double.isFinite(value.doubleValue()))) {
                    throw fail(name + " is not a finite number or null (f64)", line);
                }
                break;
            case COUNT:
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    throw fail(name + " is not written as an integer (" + token + "); serde's usize rejects it", line);
                }
                if (!value.canConvertToLong() || value.longValue() < 0) {
                    throw fail(name + " is not an integer >= 0 that fits usize", line);
                }
                break;
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw fail(name + " is not a boolean", line);
                }
                break;
            case TARGET_STATUS:
                checkStatus(line, name, value, TARGET_STATUSES);
                break;
            case RUN_STATUS:
                checkStatus(line, name, value, RUN_STATUSES);
                break;
            case PID:
                if (token != JsonToken.VALUE_NUMBER_INT || !value.canConvertToLong() || value.longValue() < 1) {
                    throw fail(name + " is not an integer >= 1 written as an integer", line);
                }
                break;
            case TIMESTAMP:
                checkTimestamp(line, name, value);
                break;
            case TAGS:
                if (value.isNull()) {
                    break;
                }
                if (!value.isObject()) {
                    throw fail(name + " is neither an object nor null", line);
                }
                value.fields().forEachRemaining(tag -> {
                    if (!tag.getValue().isTextual() && !tag.getValue().isNull()) {
                        throw fail(name + "." + tag.getKey() + " is neither a string nor null", line);
                    }
                });
                break;
            case SECONDS:
                if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() < 0.0) {
                    throw fail(name + " is not a finite number >= 0", line);
                }
                break;
            case OPTIONAL_SECONDS:
                if (!value.isNull()
                        && (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() < 0.0)) {
                    throw fail(name + " is not a finite number >= 0 or null", line);
                }
                break;
            case OPTIONAL_COUNT:
                if (value.isNull()) {
                    break;
                }
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    throw fail(name + " is neither null nor written as an integer (" + token + ")", line);
                }
                if (!value.canConvertToLong() || value.longValue() < 0) {
                    throw fail(name + " is not an integer >= 0 that fits 64 bits", line);
                }
                break;
            case PARAMS:
                if (value.isNull()) {
                    break;
                }
                if (!value.isObject()) {
                    throw fail(name + " is neither an object nor null", line);
                }
                if (value.size() > MAX_PARAMS) {
                    throw fail(name + " has " + value.size() + " entries; at most " + MAX_PARAMS + " are written", line);
                }
                value.fields().forEachRemaining(param -> {
                    JsonNode v = param.getValue();
                    boolean scalar = v.isNull() || v.isTextual() || v.isBoolean()
                            || (v.isNumber() && Double.isFinite(v.doubleValue()));
                    if (!scalar) {
                        throw fail(name + "." + param.getKey() + " is not a string, finite number, boolean or null", line);
                    }
                });
                break;
            case METRICS:
                if (value.isNull()) {
                    break;
                }
                if (!value.isObject()) {
                    throw fail(name + " is neither an object nor null", line);
                }
                if (value.size() > MAX_METRICS) {
                    throw fail(name + " has " + value.size() + " entries; at most " + MAX_METRICS + " are written", line);
                }
                value.fields().forEachRemaining(metric -> {
                    JsonNode v = metric.getValue();
                    if (!v.isNull() && (!v.isNumber() || !Double.isFinite(v.doubleValue()))) {
                        throw fail(name + "." + metric.getKey() + " is not a finite number or null", line);
                    }
                });
                break;
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    private static void checkStatus(String line, String name, JsonNode value, Set<String> allowed) {
        if (!value.isTextual() || !allowed.contains(value.textValue())) {
            throw fail(name + " is not one of " + allowed, line);
        }
    }

    private static void checkTimestamp(String line, String name, JsonNode timestamp) {
        if (!timestamp.isTextual() || !TIMESTAMP.matcher(timestamp.textValue()).matches()) {
            throw fail(name + " is not like 2026-01-21T12:34:56.123456+00:00", line);
        }
        try {
            OffsetDateTime.parse(timestamp.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeException e) {
            throw fail(name + " is not a real date-time (" + e.getMessage() + ")", line);
        }
    }

    private static void checkNoLoneSurrogates(String line, JsonNode node) {
        if (node.isTextual()) {
            checkWellFormed(line, node.textValue());
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                checkWellFormed(line, e.getKey());
                checkNoLoneSurrogates(line, e.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                checkNoLoneSurrogates(line, child);
            }
        }
    }

    private static void checkWellFormed(String line, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw fail("a string decodes to an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase()
                        + " at char " + i + " (serde_json rejects it)", line);
            }
        }
    }

    private static Map<String, Kind> fields(Object... nameKind) {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (int i = 0; i < nameKind.length; i += 2) {
            m.put((String) nameKind[i], (Kind) nameKind[i + 1]);
        }
        return m;
    }

    private static AssertionError fail(String rule, String line) {
        return new AssertionError("WIRE: " + rule + ": " + shorten(line));
    }

    private static String shorten(String line) {
        String visible = line.replace("\n", "\\n").replace("\r", "\\r");
        return visible.length() <= 400 ? visible
                : visible.substring(0, 300) + "...(" + visible.length() + " chars)..."
                        + visible.substring(visible.length() - 80);
    }
}
