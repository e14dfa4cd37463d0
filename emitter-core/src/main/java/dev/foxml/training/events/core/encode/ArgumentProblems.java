package dev.foxml.training.events.core.encode;

/**
 * Bits naming what was wrong with an emit call's arguments, and the checks that find them.
 * The cheap checks run on the caller's thread; the per-character ones run where the string is
 * encoded (or on the caller in strict mode, which must throw there).
 */
public final class ArgumentProblems {
    public static final int NULL_STRING = 1;
    static final int EMPTY_STRING = 1 << 1;
    public static final int NOT_FINITE = 1 << 2;
    static final int OUT_OF_RANGE = 1 << 3;
    static final int NEGATIVE_COUNT = 1 << 4;
    static final int COMPLETE_EXCEEDS_TOTAL = 1 << 5;
    public static final int TOO_LONG = 1 << 6;
    static final int CONTROL_CHARACTER = 1 << 7;
    static final int LONE_SURROGATE = 1 << 8;
    static final int LINE_SEPARATOR = 1 << 9;
    public static final int NULL_STATUS = 1 << 10;

    private static final String[] NAMES = {
        "null string", "empty string", "NaN or infinite number", "number out of range",
        "negative count", "targets_complete greater than targets_total", "string too long (truncated)",
        "control character", "unpaired surrogate", "U+2028/U+2029 line separator", "null status",
    };

    private ArgumentProblems() {
    }

    /** A required string: null and empty are problems. */
    public static int required(String s, int maxChars) {
        if (s == null) {
            return NULL_STRING;
        }
        if (s.isEmpty()) {
            return EMPTY_STRING;
        }
        return s.length() > maxChars ? TOO_LONG : 0;
    }

    /** An optional string: null is fine, empty is a problem. */
    public static int optional(String s, int maxChars) {
        if (s == null) {
            return 0;
        }
        if (s.isEmpty()) {
            return EMPTY_STRING;
        }
        return s.length() > maxChars ? TOO_LONG : 0;
    }

    public static int percent(double pct) {
        if (Double.isNaN(pct) || Double.isInfinite(pct)) {
            return NOT_FINITE;
        }
        return pct < 0.0 || pct > 100.0 ? OUT_OF_RANGE : 0;
    }

    /** An optional number where NaN means "none": only the infinities are problems. */
    public static int optionalNumber(double value) {
        return Double.isInfinite(value) ? NOT_FINITE : 0;
    }

    public static int counts(int complete, int total) {
        if (complete < 0 || total < 0) {
            return NEGATIVE_COUNT;
        }
        return complete > total ? COMPLETE_EXCEEDS_TOTAL : 0;
    }

    /** An optional count (epoch, step, items): -1 means "none"; any other negative value is a problem. */
    public static int optionalCount(long n) {
        return n >= -1 ? 0 : NEGATIVE_COUNT;
    }

    /** An optional rate (items per second): NaN means "none"; negative or infinite is a problem. */
    public static int rate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return 0;
        }
        if (Double.isInfinite(perSecond)) {
            return NOT_FINITE;
        }
        return perSecond < 0.0 ? OUT_OF_RANGE : 0;
    }

    public static int count(int n) {
        return n < 0 ? NEGATIVE_COUNT : 0;
    }

    /** The per-character problems of a string (what its encoding has to repair or escape). */
    public static int characters(String s) {
        if (s == null) {
            return 0;
        }
        int found = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                found |= CONTROL_CHARACTER;
            } else if (c == '\u2028' || c == '\u2029') {
                found |= LINE_SEPARATOR;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    found |= LONE_SURROGATE;
                }
            }
        }
        return found;
    }

    /** A readable list of the problems, for warnings and exceptions (never the values themselves). */
    public static String describe(int problems) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((problems & (1 << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(NAMES[bit]);
            }
        }
        return sb.toString();
    }
}
