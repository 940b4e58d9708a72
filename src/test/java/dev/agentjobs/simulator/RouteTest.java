package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void of_decodesEachSegmentAfterSplitting() {
        Route r = Route.of("POST", "/v2/agent/p%2Fq/job/a%2Fb%3Fc%23d/message?x=1");
        assertThat(r.kind()).isEqualTo(CallKind.MESSAGE);
        assertThat(r.projectId()).isEqualTo("p/q");
        assertThat(r.jobId()).isEqualTo("a/b?c#d");
    }

    @Test
    void of_keepsPlusAndDecodesUtf8() {
        assertThat(Route.of("GET", "/v2/agent/p/job/a+b%C3%A9").jobId()).isEqualTo("a+bé");
    }

    @Test
    void of_malformedEscapeIs400_emptySegmentsAre404() {
        assertThat(Route.of("GET", "/v2/agent/p/job/bad%zz").status()).isEqualTo(400);
        assertThat(Route.of("GET", "/v2/agent/p/job/bad%2").status()).isEqualTo(400);
        assertThat(Route.of("GET", "/v2/agent//job/x").status()).isEqualTo(404);
        assertThat(Route.of("GET", "/v2/agent/p/job/").status()).isEqualTo(404);
        assertThat(Route.of("POST", "/v2/agent/p/job/x/other").status()).isEqualTo(404);
    }

    @Test
    void of_statsOnlyForGet() {
        assertThat(Route.of("GET", "/_sim/stats").stats()).isTrue();
        assertThat(Route.of("POST", "/_sim/stats").status()).isEqualTo(405);
    }
}
