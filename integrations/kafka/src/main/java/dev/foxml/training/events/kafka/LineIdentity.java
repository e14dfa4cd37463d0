package dev.foxml.training.events.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Reads which emitter wrote a line and its place in that emitter's stream: the top-level
 * {@code emitter_id} and {@code seq} of one JSON object. Every line is parsed whole, so that a
 * line the bridge could not read is refused here rather than shown as a gap there.
 *
 * <p>Not thread-safe (one parser factory per relay thread is cheap).
 */
final class LineIdentity {
    /** The longest emitter id accepted (the emitter writes 16 hex digits). */
    static final int MAX_EMITTER_ID_CHARS = 64;

    /** Why a line was refused, for the counters and the warning. */
    enum Problem {
        TOO_LONG("longer than the line limit"),
        NOT_JSON("not one JSON object"),
        NO_EMITTER_ID("no usable emitter_id"),
        NO_SEQ("no seq integer ≥ 1");

        final String description;

        Problem(String description) {
            this.description = description;
        }
    }

    private final JsonFactory json = new JsonFactory();
    private final int maxLineBytes;

    private String emitterId;
    private long seq;
    private Problem problem;

    LineIdentity(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Parses the line; afterwards {@link #problem()} is null and {@link #emitterId()} and
     * {@link #seq()} are set, or {@link #problem()} says why the line is refused.
     *
     * @return whether the line is usable
     */
    boolean read(byte[] line, int offset, int length) {
        emitterId = null;
        seq = 0;
        problem = check(line, offset, length);
        return problem == null;
    }

    private Problem check(byte[] line, int offset, int length) {
        if (line == null || length == 0) {
            return Problem.NOT_JSON;
        }
        if (length > maxLineBytes) {
            return Problem.TOO_LONG;
        }
        for (int i = offset; i < offset + length; i++) {
            // A raw newline would split the line in two for every reader of the stream.
            if (line[i] == '\n' || line[i] == '\r') {
                return Problem.NOT_JSON;
            }
        }
        String id = null;
        long sequence = 0;
        boolean seqInvalid = false;
        try (JsonParser p = json.createParser(line, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Problem.NOT_JSON;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("emitter_id".equals(name)) {
                    id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if ("seq".equals(name)) {
                    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        sequence = p.getLongValue();
                    } else {
                        seqInvalid = true;
                    }
                }
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Problem.NOT_JSON;
            }
        } catch (IOException | RuntimeException e) {
            return Problem.NOT_JSON;
        }
        if (!usableId(id)) {
            return Problem.NO_EMITTER_ID;
        }
        if (seqInvalid || sequence < 1) {
            return Problem.NO_SEQ;
        }
        emitterId = id;
        seq = sequence;
        return null;
    }

    /** Short, printable and free of white space and commas, so that it fits the state file's format. */
    static boolean usableId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_EMITTER_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c >= 127 || c == ',') {
                return false;
            }
        }
        return true;
    }

    String emitterId() {
        return emitterId;
    }

    long seq() {
        return seq;
    }

    Problem problem() {
        return problem;
    }
}
