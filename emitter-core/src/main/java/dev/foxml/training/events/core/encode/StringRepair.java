package dev.foxml.training.events.core.encode;

import java.util.HashSet;
import java.util.Set;

/**
 * Repairs strings the wire cannot carry as they are: unpaired surrogates become U+FFFD, and a
 * string longer than its limit is cut and ends in {@link EventEncoder#TRUNCATION_MARKER}; object
 * keys (metric names, tag keys, hyperparameter names) also have a shorter limit and must stay
 * unique once repaired. The repaired chars go into one reused scratch buffer: not thread-safe,
 * one per encoder.
 */
final class StringRepair {
    /** Longest string value; longer ones are cut and marked. */
    final int maxStringChars;
    /** Longest object key or tag value: {@link EventEncoder#MAX_NAME_CHARS}, or less if all strings are shorter. */
    final int nameLimit;
    private final char[] scratch;

    StringRepair(int maxStringChars) {
        this.maxStringChars = maxStringChars;
        this.nameLimit = Math.min(EventEncoder.MAX_NAME_CHARS, maxStringChars);
        this.scratch = new char[maxStringChars + EventEncoder.TRUNCATION_MARKER.length()];
    }

    /** The buffer {@link #sanitize} fills; valid until its next call. */
    char[] scratch() {
        return scratch;
    }

    /** {@code s} repaired and cut at the string limit, as a new String. Allocates. */
    String sanitized(String s) {
        return new String(scratch, 0, sanitize(s, maxStringChars));
    }

    /** {@code s} repaired and cut at {@code maxChars}, as a new String. Allocates. */
    String sanitized(String s, int maxChars) {
        return new String(scratch, 0, sanitize(s, maxChars));
    }

    /**
     * Copies {@code s} into the scratch buffer with unpaired surrogates replaced by U+FFFD and,
     * when longer than {@code maxChars}, cut and marked; a surrogate pair that the cut splits
     * leaves its first half, which becomes U+FFFD like any unpaired surrogate.
     *
     * @return the number of chars in the scratch buffer
     */
    int sanitize(String s, int maxChars) {
        String marker = EventEncoder.TRUNCATION_MARKER;
        int limit = s.length() > maxChars ? maxChars - marker.length() : s.length();
        int n = 0;
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1))) {
                scratch[n++] = c;
                scratch[n++] = s.charAt(++i);
            } else {
                scratch[n++] = Character.isSurrogate(c) ? '\uFFFD' : c;
            }
        }
        if (limit < s.length()) {
            marker.getChars(0, marker.length(), scratch, n);
            n += marker.length();
        }
        return n;
    }

    /** What is wrong with object keys (metric names, tag keys): nothing on the common path. */
    int nameProblems(String[] names) {
        int problems = 0;
        for (String name : names) {
            if (name == null) {
                problems |= ArgumentProblems.NULL_STRING;
            } else {
                problems |= ArgumentProblems.characters(name);
                if (name.length() > nameLimit) {
                    problems |= ArgumentProblems.TOO_LONG;
                }
            }
        }
        return problems;
    }

    /** What is wrong with a tag or hyperparameter value: characters to repair, or too long. */
    int valueProblems(String value) {
        return ArgumentProblems.characters(value) | (value.length() > nameLimit ? ArgumentProblems.TOO_LONG : 0);
    }

    /**
     * Keys as written: null becomes "unknown", unpaired surrogates U+FFFD, long ones are cut at
     * {@link #nameLimit} chars; a key that repair made equal to an earlier one is null (left
     * out), so that no object ever has a key twice. Allocates: only for keys needing repair.
     */
    String[] repairedNames(String[] names) {
        String[] out = new String[names.length];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i] == null ? EventEncoder.UNKNOWN : sanitized(names[i], nameLimit);
            out[i] = seen.add(name) ? name : null;
        }
        return out;
    }

    /** {@code names} as written: the same array when nothing needs repair. */
    String[] namesAsWritten(String[] names) {
        return nameProblems(names) == 0 ? names : repairedNames(names);
    }
}
