package dev.agentjobs.cli;

/**
 * Refuses text the JVM could not decode. Under a C or POSIX locale the JVM decodes arguments and environment
 * variables as ASCII and turns every other byte into U+FFFD: an accented prompt arrives with each of its two
 * UTF-8 bytes replaced, and would be sent corrupted, with exit 0. No one types U+FFFD on purpose, so its
 * presence means the locale is wrong.
 */
final class Arguments {

    static final char REPLACEMENT = '\uFFFD';
    private static final String HOW_TO_FIX = "the JVM could not decode it under the current locale:"
            + " run under a UTF-8 locale (for example LANG=C.UTF-8), or give the prompt with --prompt-file FILE";

    private Arguments() {
    }

    /** @throws UsageException naming the first argument (by position, 1-based) that holds U+FFFD */
    static void requireDecoded(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].indexOf(REPLACEMENT) >= 0) {
                throw new UsageException("argument " + (i + 1) + " holds U+FFFD (an undecodable character): "
                        + HOW_TO_FIX);
            }
        }
    }

    /**
     * {@code value} of environment variable {@code name}, when it holds no U+FFFD.
     *
     * @throws UsageException naming the variable otherwise
     */
    static String decoded(String name, String value) {
        if (value != null && value.indexOf(REPLACEMENT) >= 0) {
            throw new UsageException(name + " holds U+FFFD (an undecodable character): " + HOW_TO_FIX);
        }
        return value;
    }
}
