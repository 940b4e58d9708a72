package dev.agentjobs.cli;

/**
 * Makes text that came from elsewhere (a server's job fields, an id typed by the user) safe to show on a
 * terminal: every character a terminal may act on instead of showing is written as a visible {@code \}{@code uXXXX}
 * escape, so that an {@code ESC[2J} in a job id shows as text instead of clearing the screen.
 *
 * <pre>{@code
 * TerminalText.escape("job_" + (char) 27 + "[2J")      // job_\\u001b[2J: the ESC shown as six characters
 * TerminalText.abbreviate("job_" + "x".repeat(10_000))  // job_xxx...x... (10004 characters)
 * }</pre>
 */
final class TerminalText {

    /** The longest id or value an error or status line repeats whole. */
    static final int MAX_SHOWN = 80;

    private TerminalText() {
    }

    /**
     * {@code text} with C0 controls (tab and line breaks included: each printed value stays on its line), DEL,
     * C1 controls, Unicode line and paragraph separators, and bidirectional overrides and isolates (which
     * reorder what follows them on screen) replaced by {@code \}{@code uXXXX}.
     */
    static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Whether a terminal may act on {@code c} rather than show it. */
    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }

    /** {@code text} cut to {@link #MAX_SHOWN} characters, saying how long it was, when it is longer. */
    static String abbreviate(String text) {
        if (text == null || text.length() <= MAX_SHOWN) {
            return text;
        }
        return text.substring(0, MAX_SHOWN - 3) + "... (" + text.length() + " characters)";
    }
}
