package dev.foxml.training.events.core.encode;

import com.fasterxml.jackson.core.SerializableString;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * ASCII bytes that are already valid where they are written (a formatted number, or a string
 * literal the generator itself escaped and quoted), handed to jackson-core's generator as a
 * {@link SerializableString} so that it copies them into its buffer in one
 * {@code System.arraycopy}, keeping its own comma and colon bookkeeping. Jackson's
 * {@link com.fasterxml.jackson.core.io.SerializedString} would encode its value again and
 * would not escape non-ASCII characters.
 *
 * <p>Either fixed (a cached literal) or refilled for every value (numbers); not thread-safe.
 */
final class AsciiBytes implements SerializableString {
    final byte[] bytes;
    int length;

    AsciiBytes(int capacity) {
        this.bytes = new byte[capacity];
    }

    AsciiBytes(byte[] bytes) {
        this.bytes = bytes;
        this.length = bytes.length;
    }

    @Override
    public String getValue() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    @Override
    public int charLength() {
        return length;
    }

    @Override
    public char[] asQuotedChars() {
        return getValue().toCharArray();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOf(bytes, length);
    }

    @Override
    public byte[] asQuotedUTF8() {
        return asUnquotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        return appendUnquotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        return appendUnquoted(buffer, offset);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + length > buffer.length) {
            return -1; // the generator then flushes and writes asUnquotedUTF8()
        }
        System.arraycopy(bytes, 0, buffer, offset, length);
        return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        if (offset + length > buffer.length) {
            return -1;
        }
        for (int i = 0; i < length; i++) {
            buffer[offset + i] = (char) bytes[i];
        }
        return length;
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        return writeUnquotedUTF8(out);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
        return length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        return putUnquotedUTF8(buffer);
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < length) {
            return -1;
        }
        buffer.put(bytes, 0, length);
        return length;
    }

    @Override
    public String toString() {
        return getValue();
    }
}
