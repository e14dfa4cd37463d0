package dev.foxml.training.events.core.encode;

/**
 * The JSON literals of strings a trainer passes again and again (stage names, target names,
 * statuses), kept by the writer so that writing one again is a copy: no scan for characters
 * the wire cannot carry, no escaping. The literal comes from jackson-core's generator (see
 * {@link LineWriter#asciiLiteral}), so it is byte for byte what writing the string would give.
 *
 * <p>Direct-mapped by hash: a string gets a literal the second time in a row it lands in its
 * entry, so a stream of ever-new strings (messages with numbers in them) allocates nothing;
 * only strings of at most {@value #MAX_CHARS} chars with nothing to repair are kept. Bounded:
 * {@value #ENTRIES} short strings at most. Not thread-safe: one per encoder.
 */
public final class LiteralCache {
    public static final int MAX_CHARS = 64;
    private static final int ENTRIES = 256;

    private final String[] strings = new String[ENTRIES];
    private final byte[][] literals = new byte[ENTRIES][];

    /** The literal of {@code s} (quoted and escaped), or null when it has none yet. */
    byte[] find(String s) {
        int i = s.hashCode() & (ENTRIES - 1);
        byte[] literal = literals[i];
        if (literal == null) {
            return null;
        }
        return s.equals(strings[i]) ? literal : null; // equals() is == first: the common case
    }

    /**
     * Notes that {@code s}, which needs no repair, was just written: the second time in a row
     * its entry sees it, it gets its literal.
     */
    void written(String s) {
        if (s.length() > MAX_CHARS) {
            return;
        }
        int i = s.hashCode() & (ENTRIES - 1);
        if (literals[i] == null && s.equals(strings[i])) {
            literals[i] = LineWriter.asciiLiteral(s);
        } else {
            strings[i] = s;
            literals[i] = null;
        }
    }
}
