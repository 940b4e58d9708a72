package dev.agentjobs.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a request goes. Segments are split on the raw target and only then percent-decoded, so an id holding
 * an encoded {@code /}, {@code ?} or {@code #} stays one segment.
 *
 * @param kind   the API call, or {@code null} for stats and for errors
 * @param status 0 when routable, else the error status (400 bad encoding, 404 unknown path, 405 wrong method)
 */
record Route(CallKind kind, boolean stats, String projectId, String jobId, int status, String error) {

    static final String STATS_PATH = "/_sim/stats";

    static Route of(String method, String rawTarget) {
        int query = rawTarget.indexOf('?');
        String path = query >= 0 ? rawTarget.substring(0, query) : rawTarget;
        if (path.equals(STATS_PATH)) {
            return method.equals("GET") ? new Route(null, true, null, null, 0, null) : wrongMethod("GET");
        }
        List<String> seg;
        try {
            seg = segments(path);
        } catch (IllegalArgumentException e) {
            return new Route(null, false, null, null, 400, "malformed percent-encoding in path");
        }
        int n = seg.size();
        if (n < 4 || n > 6 || !seg.get(0).equals("v2") || !seg.get(1).equals("agent") || !seg.get(3).equals("job")
                || seg.get(2).isEmpty() || (n == 6 && !seg.get(5).equals("message")) || (n >= 5 && seg.get(4).isEmpty())) {
            return new Route(null, false, null, null, 404, "no such endpoint");
        }
        String project = seg.get(2);
        return switch (n) {
            case 4 -> method.equals("POST") ? new Route(CallKind.CREATE, false, project, null, 0, null)
                    : wrongMethod("POST");
            case 5 -> method.equals("GET") ? new Route(CallKind.GET, false, project, seg.get(4), 0, null)
                    : wrongMethod("GET");
            default -> method.equals("POST") ? new Route(CallKind.MESSAGE, false, project, seg.get(4), 0, null)
                    : wrongMethod("POST");
        };
    }

    private static Route wrongMethod(String allowed) {
        return new Route(null, false, null, null, 405, "method not allowed; use " + allowed);
    }

    /** The decoded segments after the leading slash. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>(6);
        int start = path.startsWith("/") ? 1 : 0;
        while (true) {
            int slash = path.indexOf('/', start);
            out.add(decode(slash < 0 ? path.substring(start) : path.substring(start, slash)));
            if (slash < 0 || out.size() > 6) {
                return out;
            }
            start = slash + 1;
        }
    }

    /** Percent-decoding as RFC 3986 means it: {@code +} stays a plus (that rule is for form bodies). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
