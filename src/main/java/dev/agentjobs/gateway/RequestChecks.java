package dev.agentjobs.gateway;

import dev.agentjobs.gateway.HttpReplies.Refused;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reactor.netty.http.server.HttpServerRequest;

/** The checks every request goes through before an endpoint sees it: host, origin, credentials, parameters. */
final class RequestChecks {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private RequestChecks() {
    }

    /** Whether a query names a credential: tokens in URLs end up in logs and browser history, so none is read. */
    static boolean credentialsInUrl(QueryStringDecoder query) {
        return query.parameters().keySet().stream().map(k -> k.toLowerCase(Locale.ROOT))
                .anyMatch(k -> k.contains("token") || k.equals("key") || k.contains("auth"));
    }

    static String cookie(HttpServerRequest req) {
        Set<Cookie> cookies = req.cookies().get(Auth.COOKIE);
        return cookies == null || cookies.isEmpty() ? null : cookies.iterator().next().value();
    }

    static boolean hostAllowed(Settings settings, String host) {
        if (!settings.loopback()) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) {
            h = h.substring(0, colon);
        }
        return LOOPBACK_HOSTS.contains(h) || h.equals(settings.host());
    }

    static boolean sameOrigin(String origin, HttpServerRequest req) {
        String host = req.requestHeaders().get(HttpHeaderNames.HOST);
        try {
            String authority = URI.create(origin).getRawAuthority();
            return host != null && authority != null && authority.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static int intParam(QueryStringDecoder q, String name, int dflt, int min, int max) {
        long v = longParam(q, name, dflt);
        if (v < min || v > max) {
            throw new Refused(400, name + " must be within [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    static long longParam(QueryStringDecoder q, String name, long dflt) {
        List<String> values = q.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(values.get(0));
        } catch (NumberFormatException e) {
            throw new Refused(400, name + " must be a number");
        }
    }
}
