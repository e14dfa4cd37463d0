package dev.foxml.training.examples.monitor;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One event line that parsed as a JSON object with an {@code event_type}. Field accessors are
 * tolerant: a missing field, a JSON {@code null} and a value of the wrong type all read as absent,
 * so one odd field costs that field, not the event.
 *
 * @param type the {@code event_type}
 * @param runId the {@code run_id}, or {@code null}
 * @param worker the {@code worker} as text, or {@code null} when absent (single-process emitters)
 * @param seq the {@code seq} when it is an integer, else {@code null}
 * @param timestamp the {@code timestamp} when it parses as RFC 3339, else {@code null}
 * @param body the whole object, for the fields of the type
 */
public record MonitorEvent(String type, String runId, String worker, Long seq, Instant timestamp, JsonNode body) {

    /** The field as text when it is a JSON string, else {@code null}. */
    public String text(String field) {
        JsonNode node = body.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** The field when it is a finite number. */
    public OptionalDouble number(String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(node.doubleValue());
    }

    /** The field when it is a whole number from 0 to {@link Integer#MAX_VALUE} ({@code 3.0} counts). */
    public OptionalInt count(String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isNumber()) {
            return OptionalInt.empty();
        }
        double value = node.doubleValue();
        if (value < 0 || value > Integer.MAX_VALUE || value != Math.rint(value)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) value);
    }

    /** The field when it is a JSON boolean, else {@code null}. */
    public Boolean bool(String field) {
        JsonNode node = body.get(field);
        return node != null && node.isBoolean() ? node.booleanValue() : null;
    }
}
