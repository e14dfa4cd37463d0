package dev.foxml.training.events.core.config;

import java.util.Locale;

/**
 * Values shown in messages: in double quotes with every control or invisible character escaped,
 * so that a stray newline or no-break space from a shell script is visible.
 */
final class Quoting {
    private Quoting() {
    }

    /**
     * Returns the value in double quotes, every control or invisible character written as an escape.
     *
     * @param value the value
     * @return e.g. {@code "/run/foxml.sock\n"} for a value ending in a newline
     */
    static String quoted(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == ' ' || !(isControl(c) || isBlank(c))) {
                sb.append(c);
            } else {
                sb.append(escape(c));
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Returns one character in words, for a message: {@code a space}, {@code a newline (\n)}, ...
     *
     * @param c the character
     * @return its description
     */
    static String describe(char c) {
        switch (c) {
            case ' ': return "a space";
            case '\n': return "a newline (\\n)";
            case '\r': return "a carriage return (\\r)";
            case '\t': return "a tab (\\t)";
            default: return "the character " + escape(c);
        }
    }

    /**
     * Whether a character is a control character: C0, DEL, C1, or a line or paragraph separator.
     *
     * @param c the character
     * @return {@code true} for a control character
     */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    /**
     * Whether a character is white space of any kind, no-break spaces included.
     *
     * @param c the character
     * @return {@code true} for white space
     */
    static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static String escape(char c) {
        switch (c) {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default: return String.format(Locale.ROOT, "\\u%04x", (int) c);
        }
    }
}
