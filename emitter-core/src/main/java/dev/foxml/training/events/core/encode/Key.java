package dev.foxml.training.events.core.encode;

/**
 * A key of the wire format, encoded once as the bytes {@link LineWriter} copies: the member's
 * start {@code ,"name":}, and the whole member {@code ,"name":null} for a null value (no key is
 * ever first in a line: {@code event_type} is).
 */
final class Key {
    final byte[] member;
    final byte[] asNull;

    private Key(String name) {
        this.member = LineWriter.ascii(",\"" + name + "\":");
        this.asNull = LineWriter.ascii(",\"" + name + "\":null");
    }

    /** A key; {@code name} is ASCII with nothing to escape, as every key of the wire format is. */
    static Key of(String name) {
        return new Key(name);
    }
}
