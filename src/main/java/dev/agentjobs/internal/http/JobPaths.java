package dev.agentjobs.internal.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Builds the three request URLs from the base URL and the project id. Every id is percent-encoded as one
 * RFC 3986 path segment, so an id holding {@code /}, {@code ?}, {@code #}, {@code %} or spaces can never
 * change which resource (or which query) the request names.
 */
final class JobPaths {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String jobsUrl;

    /**
     * @param baseUrl may carry a path prefix (a gateway in front of the API); its trailing slashes are dropped
     */
    JobPaths(URI baseUrl, String projectId) {
        String raw = baseUrl.toString();
        int end = raw.length();
        while (end > 0 && raw.charAt(end - 1) == '/') {
            end--;
        }
        this.jobsUrl = raw.substring(0, end) + "/v2/agent/" + encodeSegment(projectId) + "/job";
    }

    /** {@code POST} here creates a job. */
    String jobs() {
        return jobsUrl;
    }

    /** {@code GET} here reads one job. */
    String job(String jobId) {
        return jobsUrl + '/' + encodeSegment(jobId);
    }

    /** {@code POST} here sends a follow-up message. */
    String messages(String jobId) {
        return job(jobId) + "/message";
    }

    /**
     * Percent-encodes {@code value} as one path segment: only RFC 3986 unreserved characters stay as they
     * are. Sub-delimiters such as {@code ;} and {@code +}, though legal in a segment, are encoded too, because
     * some servers read them as matrix parameters or spaces. A segment made only of dots is encoded as well,
     * so that {@code ..} is never removed as a dot-segment on the way.
     */
    static String encodeSegment(String value) {
        boolean allDots = !value.isEmpty() && value.chars().allMatch(c -> c == '.');
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (isUnreserved(c) && !(allDots && c == '.')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
