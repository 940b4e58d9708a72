package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.simulator.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthTest {

    private static final String TOKEN = "tok_auth_test_0123456789";

    @Test
    void bearerToken_andSessionCookie_nameTheSamePrincipal_untilTheCookieExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        Auth auth = new Auth(Set.of(TOKEN), Duration.ofHours(1), clock);
        String principal = auth.authenticate("Bearer " + TOKEN, null);
        assertThat(principal).isNotNull().isNotEqualTo(TOKEN).doesNotContain(TOKEN.substring(4, 12));
        String cookie = auth.newSession(principal);
        assertThat(auth.authenticate(null, cookie)).isEqualTo(principal);
        clock.advance(Duration.ofMinutes(61));
        assertThat(auth.authenticate(null, cookie)).isNull();
    }

    @Test
    void wrongToken_forgedCookie_orCookieOfARemovedToken_authenticateNobody() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        Auth auth = new Auth(Set.of(TOKEN), Duration.ofHours(1), clock);
        assertThat(auth.authenticate("Bearer tok_auth_test_0123456780", null)).isNull();
        assertThat(auth.authenticate("Basic " + TOKEN, null)).isNull();
        String cookie = auth.newSession(Auth.principalOf(TOKEN));
        String[] parts = cookie.split("\\.");
        String longer = parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 86_400) + "." + parts[3];
        assertThat(auth.authenticate(null, longer)).isNull();
        assertThat(auth.authenticate(null, "v1.x.1.y")).isNull();
        Auth rotated = new Auth(Set.of("tok_auth_test_rotated_000"), Duration.ofHours(1), clock);
        assertThat(rotated.authenticate(null, cookie)).isNull();
    }

    @Test
    void withoutTokens_everyoneIsTheAnonymousPrincipal() {
        Auth auth = new Auth(Set.of(), Duration.ofHours(1), java.time.Clock.systemUTC());
        assertThat(auth.enabled()).isFalse();
        assertThat(auth.authenticate(null, null)).isEqualTo(Auth.ANONYMOUS);
    }
}
