package dev.foxml.training.examples.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses one line of the wire format into a {@link MonitorEvent}, or says why it cannot: the
 * line is not strict JSON (NaN, trailing garbage, a cut-off line), not an object, or has no
 * string {@code event_type}. Never throws.
 */
final class EventParser {

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What a line turned out to be. */
    public sealed interface Parsed {

        /** An empty or all-white-space line, skipped as the bridge skips it. */
        record Blank() implements Parsed {
        }

        /** A line that is not an event, and why. */
        record Malformed(String reason) implements Parsed {
        }

        /** A line that is an event. */
        record Event(MonitorEvent event) implements Parsed {
        }
    }

    /** Parses one line (without its newline). */
    public Parsed parse(String line) {
        if (line == null || line.isBlank()) {
            return new Parsed.Blank();
        }
        JsonNode root;
        try {
            root = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            return new Parsed.Malformed("not JSON");
        }
        if (root == null || !root.isObject()) {
            return new Parsed.Malformed("not a JSON object");
        }
        JsonNode type = root.get("event_type");
        if (type == null || !type.isTextual()) {
            return new Parsed.Malformed("no string event_type");
        }
        JsonNode runId = root.get("run_id");
        JsonNode worker = root.get("worker");
        JsonNode seq = root.get("seq");
        JsonNode emitterId = root.get("emitter_id");
        return new Parsed.Event(new MonitorEvent(
                type.textValue(),
                runId != null && runId.isTextual() ? runId.textValue() : null,
                worker != null && worker.isValueNode() && !worker.isNull() ? worker.asText() : null,
                emitterId != null && emitterId.isTextual() && !emitterId.textValue().isEmpty()
                        ? emitterId.textValue() : null,
                seq != null && seq.isIntegralNumber() && seq.canConvertToLong() ? seq.longValue() : null,
                timestamp(root.get("timestamp")),
                root));
    }

    private static Instant timestamp(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
