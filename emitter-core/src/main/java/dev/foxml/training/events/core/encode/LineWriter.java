package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.delivery.BatchBuffer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the keys and values of one line into the batch buffer through jackson-core's streaming
 * generator, each key with its value: strings repaired ({@link StringRepair}) or copied from
 * kept literals ({@link LiteralCache}), numbers and timestamps formatted as ASCII
 * ({@link DoubleFormat}, {@link TimestampFormat}), NaN and the infinities as {@code null}.
 * Every character above ASCII is written as a {@code \\uXXXX} escape (as Python's
 * {@code json.dumps} does), so U+2028/U+2029 and control characters can never break a line.
 *
 * <p>One generator and its buffers are kept for the writer's life: writing allocates nothing for
 * the common values. Not thread-safe: one per encoder.
 */
final class LineWriter {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final SerializedString EVENT_TYPE = new SerializedString("event_type");

    private final BatchBuffer out;
    private final StringRepair repair;
    private final TimestampFormat timestamps = new TimestampFormat();
    /** The number being written, formatted by {@link DoubleFormat}. */
    private final AsciiBytes number = new AsciiBytes(32);
    private final LiteralCache literals = new LiteralCache();
    private JsonGenerator generator;

    LineWriter(BatchBuffer out, StringRepair repair) {
        this.out = out;
        this.repair = repair;
        this.generator = newGenerator(out);
    }

    /**
     * {@code s} as a quoted JSON string of ASCII only, written by a generator set up like the
     * line generator: the same bytes writing {@code s} in a line gives. Allocates.
     */
    static byte[] asciiLiteral(String s) {
        ByteArrayOutputStream literal = new ByteArrayOutputStream(s.length() + 2);
        try (JsonGenerator g = newGenerator(literal)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a string as JSON", e);
        }
        return literal.toByteArray();
    }

    private static JsonGenerator newGenerator(OutputStream out) {
        try {
            JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            // Every character above ASCII as an escape: no raw U+2028/2029, and the same
            // bytes Python's json.dumps (ensure_ascii) writes.
            g.setHighestNonEscapedChar(0x7F);
            g.setRootValueSeparator(null);
            return g;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a JSON generator", e);
        }
    }

    /** Where the next line starts in the batch buffer: what {@link #discard} takes back to. */
    int lineStart() {
        return out.size();
    }

    /** Opens the line's object with its first key, {@code event_type}. */
    void begin(SerializedString eventType) throws IOException {
        generator.writeStartObject();
        generator.writeFieldName(EVENT_TYPE);
        generator.writeString(eventType);
    }

    /** Closes the object, ends the line with {@code \n} and counts it in the batch buffer. */
    void end() throws IOException {
        generator.writeEndObject();
        generator.writeRaw('\n');
        generator.flush();
        out.lineEnded();
    }

    /**
     * Forgets a line that failed half-way: the generator's state is unknown after a failure, so
     * the buffer goes back to {@code lineStart} and a fresh generator takes over; no torn line
     * is ever written.
     */
    void discard(int lineStart) {
        out.truncate(lineStart);
        generator = newGenerator(out);
    }

    /** A string, repaired when needed; null becomes "unknown". Returns the problems found. */
    int requiredString(Key key, String s) throws IOException {
        generator.writeFieldName(key.name);
        return string(s == null ? EventEncoder.UNKNOWN : s);
    }

    /** A string, repaired when needed, or null. Returns the problems found. */
    int optionalString(Key key, String s) throws IOException {
        if (s == null) {
            generator.writeRaw(key.asNull);
            return 0;
        }
        generator.writeFieldName(key.name);
        return string(s);
    }

    /** A string the emitter spells itself (a status): written as it is, null as null. */
    void plainString(Key key, String s) throws IOException {
        generator.writeFieldName(key.name);
        generator.writeString(s);
    }

    /** An ASCII timestamp of {@link TimestampFormat#LENGTH} bytes, quoted. */
    void timestamp(Key key, byte[] ascii) throws IOException {
        generator.writeFieldName(key.name);
        // ASCII digits and "-T:.+" only: nothing to escape.
        generator.writeRawUTF8String(ascii, 0, TimestampFormat.LENGTH);
    }

    /** The timestamp of {@code epochMicros}, formatted into a reused buffer. */
    void timestamp(Key key, long epochMicros) throws IOException {
        timestamp(key, timestamps.format(epochMicros));
    }

    /**
     * Members already encoded, each with its leading comma ({@code ,"key":value...}): copied in
     * one raw write, past the generator's bookkeeping, which needs none here (no member is ever
     * first in a line: {@code event_type} is).
     */
    void members(AsciiBytes encoded) throws IOException {
        generator.writeRaw(encoded);
    }

    /** A value that is already valid JSON in ASCII (a quoted literal). */
    void literal(Key key, AsciiBytes value) throws IOException {
        generator.writeFieldName(key.name);
        generator.writeRawValue(value);
    }

    void number(Key key, int value) throws IOException {
        generator.writeFieldName(key.name);
        generator.writeNumber(value);
    }

    void number(Key key, long value) throws IOException {
        generator.writeFieldName(key.name);
        generator.writeNumber(value);
    }

    /** A finite number; NaN and the infinities are written as null. */
    void numberOrNull(Key key, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            generator.writeRaw(key.asNull);
        } else {
            generator.writeFieldName(key.name);
            finite(value);
        }
    }

    /** A count: negative means none and is written as null. */
    void countOrNull(Key key, long count) throws IOException {
        if (count < 0) {
            generator.writeRaw(key.asNull);
        } else {
            generator.writeFieldName(key.name);
            generator.writeNumber(count);
        }
    }

    void bool(Key key, boolean value) throws IOException {
        generator.writeFieldName(key.name);
        generator.writeBoolean(value);
    }

    /** An object of string keys and string (or null) values, or null when there are none; null keys are left out. */
    void stringMap(Key key, String[] keys, String[] values) throws IOException {
        if (keys.length == 0) {
            generator.writeRaw(key.asNull);
            return;
        }
        generator.writeFieldName(key.name);
        generator.writeStartObject();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                generator.writeFieldName(keys[i]);
                optionalString(values[i]);
            }
        }
        generator.writeEndObject();
    }

    /**
     * An object of hyperparameters (values a String, Long, Double, Boolean or null), or null
     * when there are none; null names are left out.
     */
    void params(Key key, String[] names, Object[] values) throws IOException {
        if (names.length == 0) {
            generator.writeRaw(key.asNull);
            return;
        }
        generator.writeFieldName(key.name);
        generator.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null) {
                continue; // a duplicate once repaired: one key, one value
            }
            generator.writeFieldName(names[i]);
            Object v = values[i];
            if (v == null) {
                generator.writeNull();
            } else if (v instanceof String) {
                string((String) v);
            } else if (v instanceof Boolean) {
                generator.writeBoolean((Boolean) v);
            } else if (v instanceof Long) {
                generator.writeNumber((Long) v);
            } else {
                numberOrNull((Double) v);
            }
        }
        generator.writeEndObject();
    }

    /** The metrics object, or null; bad names are repaired, non-finite values written as null and reported. */
    int metrics(Key key, String[] names, double[] values) throws IOException {
        if (names == null) {
            generator.writeRaw(key.asNull);
            return 0;
        }
        generator.writeFieldName(key.name);
        int problems = repair.nameProblems(names);
        String[] repaired = problems == 0 ? names : repair.repairedNames(names);
        generator.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            if (repaired[i] == null) {
                continue; // a duplicate once repaired: one key, one value
            }
            generator.writeFieldName(repaired[i]);
            double v = values[i];
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                problems |= ArgumentProblems.NOT_FINITE;
            }
            numberOrNull(v);
        }
        generator.writeEndObject();
        return problems;
    }

    private void numberOrNull(double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            generator.writeNull();
        } else {
            finite(value);
        }
    }

    /** A finite number, as ASCII from {@link DoubleFormat} or else the JDK's shortest form. */
    void finite(Key key, double value) throws IOException {
        generator.writeFieldName(key.name);
        finite(value);
    }

    private void finite(double value) throws IOException {
        int len = DoubleFormat.format(value, number.bytes);
        if (len > 0) {
            number.length = len;
            generator.writeRawValue(number);
        } else {
            generator.writeNumber(value);
        }
    }

    private int optionalString(String s) throws IOException {
        if (s == null) {
            generator.writeNull();
            return 0;
        }
        return string(s);
    }

    /** Writes a string value, repaired when needed; returns the character problems found in it. */
    int string(Key key, String s) throws IOException {
        generator.writeFieldName(key.name);
        return string(s);
    }

    private int string(String s) throws IOException {
        AsciiBytes literal = literals.find(s);
        if (literal != null) {
            generator.writeRawValue(literal); // kept only for strings without problems
            return 0;
        }
        int problems = ArgumentProblems.characters(s);
        int max = repair.maxStringChars;
        if ((problems & ArgumentProblems.LONE_SURROGATE) == 0 && s.length() <= max) {
            generator.writeString(s);
            if (problems == 0) {
                literals.written(s);
            }
        } else {
            generator.writeString(repair.scratch(), 0, repair.sanitize(s, max));
        }
        return s.length() > max ? problems | ArgumentProblems.TOO_LONG : problems;
    }
}
