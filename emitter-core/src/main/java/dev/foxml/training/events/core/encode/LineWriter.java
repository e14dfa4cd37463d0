package dev.foxml.training.events.core.encode;

import dev.foxml.training.events.core.delivery.BatchBuffer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the keys and values of one line as ASCII bytes straight into the batch buffer's array,
 * after the lines already in it; the batch takes the line when it ends. The line's shape
 * (braces, commas, keys) is fixed by the wire format, so it is copied from bytes encoded once
 * ({@link Key}); numbers and timestamps are formatted by hand ({@link DoubleFormat},
 * {@link TimestampFormat}); a string with nothing to escape (printable ASCII without {@code "}
 * or {@code \}) is copied as it is, and a string kept in {@link LiteralCache} is copied from its
 * literal. Every other string goes through jackson-core's streaming generator, set to escape
 * every character above ASCII as {@code \\uXXXX} (as Python's {@code json.dumps} does), so
 * U+2028/U+2029 and control characters can never break a line. The copied forms are byte for
 * byte what the generator writes for them.
 *
 * <p>The buffers and the generator are kept for the writer's life: writing allocates nothing for
 * the common values. Not thread-safe: one per encoder.
 */
final class LineWriter {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] LONG_MIN = ascii(Long.toString(Long.MIN_VALUE));
    /** The most bytes a formatted number takes: {@link DoubleFormat} needs 24, a long 20. */
    private static final int NUMBER_BYTES = 32;

    private final BatchBuffer out;
    private final StringRepair repair;
    private final TimestampFormat timestamps = new TimestampFormat();
    private final LiteralCache literals = new LiteralCache();
    /** The batch's array: the line being written goes after the batch's lines, from {@link #out}'s size. */
    private byte[] line;
    /** Where the next byte of the line goes in {@link #line}. */
    private int length;
    /** What the generator wrote for the last string it escaped. */
    private final Escaped escaped = new Escaped();
    private JsonGenerator escaper;

    LineWriter(BatchBuffer out, StringRepair repair) {
        this.out = out;
        this.repair = repair;
        this.escaper = newGenerator(escaped);
    }

    /**
     * {@code s} as a quoted JSON string of ASCII only, written by a generator set up like the
     * line's: the same bytes writing {@code s} in a line gives. Allocates.
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

    /** The opening of a line of {@code eventType}: <code>{"event_type":"…"</code>. */
    static byte[] opening(String eventType) {
        return ascii("{\"event_type\":\"" + eventType + "\"");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static JsonGenerator newGenerator(OutputStream out) {
        try {
            JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            // Every character above ASCII as an escape: no raw U+2028/2029, and the same
            // bytes Python's json.dumps (ensure_ascii) writes.
            g.setHighestNonEscapedChar(0x7F);
            // Values written one after another at the root, each a whole string literal.
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

    /** Starts a line with its {@link #opening}. */
    void begin(byte[] opening) {
        line = out.array();
        length = out.size();
        raw(opening);
    }

    /** Closes the object, ends the line with {@code \n} and so adds it to the batch buffer. */
    void end() {
        room(2);
        line[length++] = '}';
        line[length++] = '\n';
        out.ended(length);
    }

    /**
     * Forgets a line that failed half-way: nothing of it stays in the batch buffer, and a fresh
     * generator takes over (its state is unknown after a failure); no torn line is ever written.
     */
    void discard(int lineStart) {
        length = lineStart;
        out.truncate(lineStart);
        escaper = newGenerator(escaped);
    }

    /** A string, repaired when needed; null becomes "unknown". Returns the problems found. */
    int requiredString(Key key, String s) throws IOException {
        raw(key.member);
        return string(s == null ? EventEncoder.UNKNOWN : s);
    }

    /** A string, repaired when needed, or null. Returns the problems found. */
    int optionalString(Key key, String s) throws IOException {
        if (s == null) {
            raw(key.asNull);
            return 0;
        }
        raw(key.member);
        return string(s);
    }

    /** A string the emitter spells itself (a status): written as it is, null as null. */
    void plainString(Key key, String s) throws IOException {
        raw(key.member);
        if (s == null) {
            raw(NULL);
        } else {
            string(s);
        }
    }

    /** An ASCII timestamp of {@link TimestampFormat#LENGTH} bytes, quoted. */
    void timestamp(Key key, byte[] ascii) {
        raw(key.member);
        // ASCII digits and "-T:.+" only: nothing to escape.
        room(TimestampFormat.LENGTH + 2);
        line[length++] = '"';
        System.arraycopy(ascii, 0, line, length, TimestampFormat.LENGTH);
        length += TimestampFormat.LENGTH;
        line[length++] = '"';
    }

    /** The {@link TimestampFormat#LENGTH} characters of the timestamp of {@code epochMicros}, unquoted. */
    void timestampDigits(long epochMicros) {
        raw(timestamps.format(epochMicros), TimestampFormat.LENGTH);
    }

    /** Fixed bytes of the line encoded once (keys, commas, the run's own literals), copied as they are. */
    void constant(byte[] ascii) {
        raw(ascii);
    }

    void number(Key key, long value) {
        raw(key.member);
        number(value);
    }

    /** A finite number; NaN and the infinities are written as null. */
    void numberOrNull(Key key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            raw(key.asNull);
        } else {
            raw(key.member);
            finite(value);
        }
    }

    /** A count: negative means none and is written as null. */
    void countOrNull(Key key, long count) {
        if (count < 0) {
            raw(key.asNull);
        } else {
            raw(key.member);
            number(count);
        }
    }

    void bool(Key key, boolean value) {
        raw(key.member);
        raw(value ? TRUE : FALSE);
    }

    /**
     * {@code micros} ≥ 0 as seconds: the digits {@link DoubleFormat} writes for
     * {@code micros / 1e6}, formatted from the exact count instead of from the double.
     */
    void seconds(long micros) {
        if (micros >= DoubleFormat.MILLIONTHS_EXACT) {
            finite(micros / 1e6);
            return;
        }
        room(NUMBER_BYTES);
        length = DoubleFormat.formatMillionths(micros, line, length);
    }

    /** An object of string keys and string (or null) values, or null when there are none; null keys are left out. */
    void stringMap(Key key, String[] keys, String[] values) throws IOException {
        if (keys.length == 0) {
            raw(key.asNull);
            return;
        }
        raw(key.member);
        startObject();
        boolean first = true;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                name(keys[i], first);
                first = false;
                if (values[i] == null) {
                    raw(NULL);
                } else {
                    string(values[i]);
                }
            }
        }
        endObject();
    }

    /**
     * An object of hyperparameters (values a String, Long, Double, Boolean or null), or null
     * when there are none; null names are left out.
     */
    void params(Key key, String[] names, Object[] values) throws IOException {
        if (names.length == 0) {
            raw(key.asNull);
            return;
        }
        raw(key.member);
        startObject();
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null) {
                continue; // a duplicate once repaired: one key, one value
            }
            name(names[i], first);
            first = false;
            Object v = values[i];
            if (v == null) {
                raw(NULL);
            } else if (v instanceof String) {
                string((String) v);
            } else if (v instanceof Boolean) {
                raw((Boolean) v ? TRUE : FALSE);
            } else if (v instanceof Long) {
                number((Long) v);
            } else {
                numberOrNull((Double) v);
            }
        }
        endObject();
    }

    /** The metrics object, or null; bad names are repaired, non-finite values written as null and reported. */
    int metrics(Key key, String[] names, double[] values) throws IOException {
        if (names == null) {
            raw(key.asNull);
            return 0;
        }
        raw(key.member);
        int problems = repair.nameProblems(names);
        String[] repaired = problems == 0 ? names : repair.repairedNames(names);
        startObject();
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if (repaired[i] == null) {
                continue; // a duplicate once repaired: one key, one value
            }
            name(repaired[i], first);
            first = false;
            double v = values[i];
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                problems |= ArgumentProblems.NOT_FINITE;
            }
            numberOrNull(v);
        }
        endObject();
        return problems;
    }

    /** A member's name inside an object, after a comma unless it is the first. */
    private void name(String name, boolean first) throws IOException {
        if (!first) {
            room(1);
            line[length++] = ',';
        }
        string(name);
        room(1);
        line[length++] = ':';
    }

    private void startObject() {
        room(1);
        line[length++] = '{';
    }

    private void endObject() {
        room(1);
        line[length++] = '}';
    }

    private void numberOrNull(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            raw(NULL);
        } else {
            finite(value);
        }
    }

    /** A finite number, as ASCII from {@link DoubleFormat} or else the JDK's shortest form (as the generator writes it). */
    private void finite(double value) {
        room(NUMBER_BYTES);
        int len = DoubleFormat.format(value, line, length);
        if (len > 0) {
            length += len;
        } else {
            raw(ascii(Double.toString(value)));
        }
    }

    void number(long value) {
        if (value == Long.MIN_VALUE) {
            raw(LONG_MIN); // has no positive counterpart to print
            return;
        }
        room(NUMBER_BYTES);
        if (value < 0) {
            line[length++] = '-';
            value = -value;
        }
        length = DoubleFormat.writeLong(value, line, length);
    }

    /** Writes a string value, repaired when needed; returns the character problems found in it. */
    int string(Key key, String s) throws IOException {
        raw(key.member);
        return string(s);
    }

    private int string(String s) throws IOException {
        byte[] literal = literals.find(s);
        if (literal != null) {
            raw(literal); // kept only for strings without problems
            return 0;
        }
        int max = repair.maxStringChars;
        int n = s.length();
        if (n <= max && plainAscii(s)) {
            room(n + 2);
            line[length++] = '"';
            for (int i = 0; i < n; i++) {
                line[length + i] = (byte) s.charAt(i);
            }
            length += n;
            line[length++] = '"';
            literals.written(s);
            return 0;
        }
        int problems = ArgumentProblems.characters(s);
        escaped.reset();
        if ((problems & ArgumentProblems.LONE_SURROGATE) == 0 && n <= max) {
            escaper.writeString(s);
            if (problems == 0) {
                literals.written(s);
            }
        } else {
            escaper.writeString(repair.scratch(), 0, repair.sanitize(s, max));
        }
        escaper.flush();
        raw(escaped.bytes(), escaped.size());
        return n > max ? problems | ArgumentProblems.TOO_LONG : problems;
    }

    /**
     * Whether the generator would write {@code s} unchanged between its quotes: printable
     * ASCII and DEL, but neither {@code "} nor {@code \}.
     */
    private static boolean plainAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7F || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private void raw(byte[] bytes) {
        raw(bytes, bytes.length);
    }

    private void raw(byte[] bytes, int count) {
        room(count);
        System.arraycopy(bytes, 0, line, length, count);
        length += count;
    }

    /**
     * Makes room for {@code more} bytes: a line holding long strings or many metrics, or one past
     * the batch's end, grows the batch.
     */
    private void room(int more) {
        if (length + more > line.length) {
            line = out.ensure(length, more);
        }
    }

    /** The generator's output: the bytes of one escaped string at a time. */
    private static final class Escaped extends ByteArrayOutputStream {
        Escaped() {
            super(256);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
