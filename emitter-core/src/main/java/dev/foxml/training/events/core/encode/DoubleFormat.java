package dev.foxml.training.events.core.encode;

/**
 * Writes common doubles (whole numbers, and values with at most six decimals such as 42.5 or
 * 0.6512) as ASCII into a byte array without allocating; {@code Double.toString} allocates a
 * String per call. The result parses back to exactly the same double: {@code m / 1e6} is the correctly
 * rounded value of the decimal m·10⁻⁶, which is what a JSON parser computes from the digits.
 * Other values return -1 and the caller falls back to the JDK's shortest representation.
 */
final class DoubleFormat {
    private static final long MAX_EXACT = 1L << 53;
    /**
     * Below this many millionths (35 years of micros), {@code m / 1e6} scaled back by 1e6 rounds
     * to {@code m} again, so {@link #formatMillionths} writes what {@link #format} writes.
     */
    static final long MILLIONTHS_EXACT = 1L << 50;
    /** "00", "01", ..., "99". */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private DoubleFormat() {
    }

    /**
     * Writes {@code value} at {@code out[at]} (at least 24 bytes of room).
     *
     * @return the number of bytes written, or -1 when the value is not one of the common ones
     */
    static int format(double value, byte[] out, int at) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return -1;
        }
        if (value == 0.0) {
            out[at] = '0';
            out[at + 1] = '.';
            out[at + 2] = '0';
            return 3;
        }
        double scaled = value * 1e6;
        if (Math.abs(scaled) >= MAX_EXACT) {
            return -1;
        }
        long m = Math.round(scaled);
        if ((double) m / 1e6 != value) {
            return -1;
        }
        int pos = at;
        if (m < 0) {
            out[pos++] = '-';
            m = -m;
        }
        return millionths(m, out, pos) - at;
    }

    /**
     * Writes {@code m} millionths, 0 ≤ m < {@link #MILLIONTHS_EXACT}, at {@code out[at]} (at
     * least 24 bytes of room): the bytes {@link #format} writes for {@code m / 1e6}.
     *
     * @return the position after the last byte written
     */
    static int formatMillionths(long m, byte[] out, int at) {
        return m == 0 ? at + format(0.0, out, at) : millionths(m, out, at);
    }

    /** {@code m} > 0 millionths as whole.fraction, the fraction without trailing zeros (at least one digit). */
    private static int millionths(long m, byte[] out, int pos) {
        long whole = m / 1_000_000L;
        int fraction = (int) (m - whole * 1_000_000L);
        pos = writeLong(whole, out, pos);
        out[pos++] = '.';
        if (fraction == 0) {
            out[pos++] = '0';
            return pos;
        }
        // Six digits, then without the trailing zeros (there is a non-zero one).
        int end = pos + 6;
        for (int i = end; i > pos; i -= 2) {
            int pair = fraction % 100;
            fraction /= 100;
            out[i - 1] = PAIRS[2 * pair + 1];
            out[i - 2] = PAIRS[2 * pair];
        }
        while (out[end - 1] == '0') {
            end--;
        }
        return end;
    }

    /** Decimal digits of {@code value} ≥ 0, two at a time, at {@code out[pos]}; returns the position after them. */
    static int writeLong(long value, byte[] out, int pos) {
        int len = 1;
        for (long power = 10; len < 19 && value >= power; power *= 10) {
            len++;
        }
        int end = pos + len;
        int i = end;
        while (value >= 100) {
            int pair = (int) (value % 100);
            value /= 100;
            out[--i] = PAIRS[2 * pair + 1];
            out[--i] = PAIRS[2 * pair];
        }
        if (value >= 10) {
            out[--i] = PAIRS[2 * (int) value + 1];
            out[--i] = PAIRS[2 * (int) value];
        } else {
            out[--i] = (byte) ('0' + value);
        }
        return end;
    }
}
