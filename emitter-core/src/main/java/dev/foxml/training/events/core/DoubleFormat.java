package dev.foxml.training.events.core;

/**
 * Writes common doubles (whole numbers, and values with at most six decimals such as 42.5 or
 * 0.6512) into a char array without allocating; {@code Double.toString} allocates a String per
 * call. The result parses back to exactly the same double: {@code m / 1e6} is the correctly
 * rounded value of the decimal m·10⁻⁶, which is what a JSON parser computes from the digits.
 * Other values return -1 and the caller falls back to the JDK's shortest representation.
 */
final class DoubleFormat {
    private static final long MAX_EXACT = 1L << 53;

    private DoubleFormat() {
    }

    /** @return the number of chars written at the start of {@code out} (at least 24 long), or -1 */
    static int format(double value, char[] out) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return -1;
        }
        if (value == 0.0) {
            out[0] = '0';
            out[1] = '.';
            out[2] = '0';
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
        int pos = 0;
        if (m < 0) {
            out[pos++] = '-';
            m = -m;
        }
        long whole = m / 1_000_000L;
        int fraction = (int) (m - whole * 1_000_000L);
        pos = writeLong(whole, out, pos);
        out[pos++] = '.';
        if (fraction == 0) {
            out[pos++] = '0';
            return pos;
        }
        int digits = 6;
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        for (int i = digits - 1; i >= 0; i--) {
            out[pos + i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        return pos + digits;
    }

    private static int writeLong(long value, char[] out, int pos) {
        if (value == 0) {
            out[pos] = '0';
            return pos + 1;
        }
        int len = 0;
        for (long v = value; v > 0; v /= 10) {
            len++;
        }
        for (int i = pos + len - 1; i >= pos; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return pos + len;
    }
}
