package dev.agentjobs.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Checks the base URL given by {@code --base-url} or {@code AGENTJOBS_BASE_URL} before the client is built,
 * so that every mistake is a usage error (exit 2, nothing sent): a port out of range would otherwise only fail
 * when the first request connects, and be reported as a transport error.
 *
 * <p>A message never repeats a password: a URL may carry {@code user:password@}, which is stripped from the
 * value shown, even when the rest does not parse.
 *
 * <pre>{@code
 * URI base = BaseUrlArgument.parse("--base-url", "http://127.0.0.1:8080");
 * }</pre>
 */
final class BaseUrlArgument {

    /** The user-info part of anything that looks like {@code scheme://user:pass@host...}. */
    private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#]*@");

    private BaseUrlArgument() {
    }

    /**
     * @param source where the value came from ({@code --base-url} or the variable's name), named in messages
     * @throws UsageException when it is not an http(s) URL with a host and a port in 1..65535, or holds user
     *                        info, a query or a fragment
     */
    static URI parse(String source, String value) {
        String v = value.strip();
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new UsageException(source + " is not a URL (" + e.getReason() + " at index " + e.getIndex()
                    + "): " + shown(v));
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getRawAuthority() == null) {
            throw new UsageException(source + " must be an http or https URL, was " + shown(v));
        }
        if (uri.getHost() == null) {
            // java.net.URI leaves host and port unset when the authority does not parse as host[:port],
            // a port too large for an int among them.
            throw new UsageException(source + " has no valid host and port (a port is 1 to 65535), was " + shown(v));
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new UsageException(source + ": port " + uri.getPort() + " is out of range 1 to 65535");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException(source + " must not hold user info, a query or a fragment, was " + shown(v));
        }
        return uri;
    }

    /** {@code value} fit for an error line: without user info, control characters escaped, cut when long. */
    static String shown(String value) {
        return TerminalText.abbreviate(TerminalText.escape(USER_INFO.matcher(value).replaceFirst("")));
    }
}
