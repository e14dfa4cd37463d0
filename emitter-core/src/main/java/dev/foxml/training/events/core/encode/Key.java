package dev.foxml.training.events.core.encode;

import com.fasterxml.jackson.core.io.SerializedString;

import java.nio.charset.StandardCharsets;

/**
 * A key of the wire format, encoded once: its name for jackson-core's generator, and the whole
 * member {@code ,"name":null} that {@link LineWriter} copies in one raw write when the value is
 * null (no key is ever first in a line: {@code event_type} is).
 */
final class Key {
    final SerializedString name;
    final AsciiBytes asNull;

    private Key(String name) {
        this.name = new SerializedString(name);
        this.asNull = new AsciiBytes((",\"" + name + "\":null").getBytes(StandardCharsets.US_ASCII));
    }

    /** A key; {@code name} is ASCII with nothing to escape, as every key of the wire format is. */
    static Key of(String name) {
        return new Key(name);
    }
}
