package dev.foxml.training.examples.monitor;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One event line that parsed as a JSON object with an {@code event_type}. Field accessors are
 * tolerant: a missing field, a JSON {@code null} and a value of the wrong type all read as absent,
 * so one odd field costs that field, not the event.
 *
 * @param type the {@code event_type}
 * @param runId the {@code run_id}, or {@code null}
 * @param worker the {@code worker} as text, or {@code null} when absent (single-process emitters)
 * @param emitterId the {@code emitter_id} (one per emitter, so per process and per {@code init}),
 *     or {@code null} from emitters that do not write it
 * @param seq the {@code seq} when it is an integer, else {@code null}
 * @param timestamp the {@code timestamp} when it parses as RFC 3339, else {@code null}
 * @param body the whole object, for the fields of the type
 */
public record MonitorEvent(String type, String runId, String worker, String emitterId, Long seq, Instant timestamp,
                           JsonNode body) {

    /**
     * The field as text.
     *
     * @param field the key
     * @return the value when it is a JSON string, else {@code null}
     */
    public String text(String field) {
        JsonNode node = body.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /**
     * The field as a finite number.
     *
     * @param field the key
     * @return the value when it is a finite number, else empty
     */
    public OptionalDouble number(String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(node.doubleValue());
    }

    /**
     * The field as a count.
     *
     * @param field the key
     * @return the value when it is a whole number from 0 to {@link Integer#MAX_VALUE} ({@code 3.0} counts), else empty
     */
    public OptionalInt count(String field) {
        OptionalLong value = whole(field);
        return value.isPresent() && value.getAsLong() <= Integer.MAX_VALUE
                ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    /**
     * The field as a non-negative whole number, such as an epoch or a step.
     *
     * @param field the key
     * @return the value when it is a whole number from 0 to 2<sup>53</sup> ({@code 3.0} counts), else empty
     */
    public OptionalLong whole(String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isNumber()) {
            return OptionalLong.empty();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() && node.longValue() >= 0 ? OptionalLong.of(node.longValue())
                    : OptionalLong.empty();
        }
        double value = node.doubleValue();
        if (value < 0 || value > 0x1p53 || value != Math.rint(value)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) value);
    }

    /**
     * The field as a boolean.
     *
     * @param field the key
     * @return the value when it is a JSON boolean, else {@code null}
     */
    public Boolean bool(String field) {
        JsonNode node = body.get(field);
        return node != null && node.isBoolean() ? node.booleanValue() : null;
    }

    /**
     * The field as an object of numbers, such as {@code metrics}.
     *
     * @param field the key
     * @return name to value in the line's order, a value {@code null} when it is not a finite
     *     number; empty when the field is not an object
     */
    public Map<String, Double> numbers(String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            numbers.put(entry.getKey(), value.isNumber() && Double.isFinite(value.doubleValue())
                    ? value.doubleValue() : null);
        }
        return Collections.unmodifiableMap(numbers);
    }

    /**
     * The field as an object shown as text, such as {@code tags} and {@code params}.
     *
     * @param field the key
     * @return key to value in the line's order: a string as it is, {@code null} as {@code null},
     *     any other value as its JSON text; empty when the field is not an object
     */
    public Map<String, String> texts(String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            texts.put(entry.getKey(), value.isNull() ? null : value.isTextual() ? value.textValue() : value.toString());
        }
        return Collections.unmodifiableMap(texts);
    }
}
