package dev.agentjobs.gateway;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a request comes from. A client presents one of the gateway's tokens as {@code Authorization: Bearer};
 * a browser, whose {@code EventSource} cannot set headers, presents the session cookie that a login with a token
 * gave it. The cookie is stateless: {@code v1.<principal>.<expiry>.<HMAC-SHA256 keyed by the token>}, so it
 * survives a gateway restart with the same token file (a dashboard reconnects without logging in again), and
 * removing a token from the file revokes its sessions. A principal is a short hash of its token: it names the
 * token in stream counts without being it.
 *
 * <p>With no tokens, authentication is off and every request is {@link #ANONYMOUS}; the gateway allows that only
 * on a loopback address.
 */
final class Auth {

    static final String ANONYMOUS = "anonymous";
    static final String COOKIE = "agentjobs_session";

    private final Map<String, byte[]> tokensByPrincipal = new HashMap<>();
    private final Duration sessionTtl;
    private final Clock clock;

    Auth(Set<String> tokens, Duration sessionTtl, Clock clock) {
        for (String t : tokens) {
            tokensByPrincipal.put(principalOf(t), t.getBytes(StandardCharsets.UTF_8));
        }
        this.sessionTtl = sessionTtl;
        this.clock = clock;
    }

    boolean enabled() {
        return !tokensByPrincipal.isEmpty();
    }

    /** The principal of a presented token, or {@code null} when it is not one of ours. */
    String principalOfToken(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String p = principalOf(token);
        byte[] known = tokensByPrincipal.get(p);
        // The lookup key is a hash, so its timing tells nothing; the comparison is constant-time anyway.
        return known != null && MessageDigest.isEqual(known, token.getBytes(StandardCharsets.UTF_8)) ? p : null;
    }

    /** The principal of a request's credentials, or {@code null} when there are none valid. */
    String authenticate(String authorization, String cookieValue) {
        if (!enabled()) {
            return ANONYMOUS;
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return principalOfToken(authorization.substring(7).strip());
        }
        return cookieValue == null ? null : principalOfCookie(cookieValue);
    }

    /** A session cookie value for a principal (after a login with its token). */
    String newSession(String principal) {
        long expiry = clock.instant().plus(sessionTtl).getEpochSecond();
        String body = "v1." + principal + "." + expiry;
        return body + "." + mac(tokensByPrincipal.get(principal), body);
    }

    long sessionSeconds() {
        return sessionTtl.toSeconds();
    }

    private String principalOfCookie(String value) {
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("v1")) {
            return null;
        }
        byte[] token = tokensByPrincipal.get(parts[1]);
        if (token == null) {
            return null;
        }
        long expiry;
        try {
            expiry = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (expiry < clock.instant().getEpochSecond()) {
            return null;
        }
        String expected = mac(token, parts[0] + "." + parts[1] + "." + parts[2]);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts[3].getBytes(StandardCharsets.US_ASCII)) ? parts[1] : null;
    }

    static String principalOf(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String mac(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
