package dev.foxml.training.examples.monitor;

/**
 * Makes text that came from events (or from any file a trainer wrote) safe to print on a
 * terminal. Every control character that a terminal could act on is replaced by a visible
 * placeholder, so a run id, stage, target, status, error message, metric name, tag or parameter
 * can neither retitle the window (OSC), clear the screen, move the cursor nor change colours:
 *
 * <ul>
 *   <li>tab, line feed and carriage return read as a space (a multi-line error message stays
 *       readable on one line, and a carriage return cannot overwrite what came before it);</li>
 *   <li>every other C0 control (U+0000 to U+001F) is shown in caret notation, as {@code cat -v}
 *       and {@code less} show it: ESC as {@code ^[}, BEL as {@code ^G};</li>
 *   <li>DEL (U+007F) as {@code ^?};</li>
 *   <li>every C1 control (U+0080 to U+009F, which terminals may take as CSI, OSC, NEL, ...) as
 *       {@code <U+009B>}.</li>
 * </ul>
 *
 * <p>Both outputs, the screen and the plain lines, pass every line they print through
 * {@link #safe(String)}; the result is idempotent, so text already made safe is left as it is.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /**
     * The text with every C0, DEL and C1 control character replaced as described above.
     *
     * @param text the text to print, or {@code null}
     * @return the text safe to print ({@code "null"} for {@code null}); the same instance when
     *     nothing needed replacing
     */
    public static String safe(String text) {
        if (text == null) {
            return "null";
        }
        int first = firstControl(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t' || c == '\n' || c == '\r') {
                out.append(' ');
            } else if (c < 0x20) {
                out.append('^').append((char) (c + 0x40));
            } else if (c == 0x7f) {
                out.append("^?");
            } else if (c >= 0x80 && c <= 0x9f) {
                out.append("<U+00").append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16))).append('>');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Whether the character is one {@link #safe(String)} replaces.
     *
     * @param c a character
     * @return whether it is a C0 control, DEL or a C1 control
     */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    private static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
