package dev.agentjobs.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.internal.Metrics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** The settings the client cannot do without survive whatever the application's customizer sets. */
class NettyResourcesTest {

    private static TransportSettings settings(AppResources app) {
        return new TransportSettings(URI.create("http://127.0.0.1:1"), "proj", ApiKey.of("mint_netty_resources_key"),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(8), 4, Duration.ofSeconds(20), 1,
                1 << 20, AgentJobsListener.NONE, Clock.systemUTC(), null, "agentjobs-test", app);
    }

    @Test
    void customizerCannotTurnOnResendsRedirectsOrLongerTimeouts() {
        AppResources app = new AppResources(http -> http
                .disableRetry(false)
                .followRedirect(true)
                .responseTimeout(Duration.ofHours(1)), null, null, Metrics.NONE);
        NettyResources netty = new NettyResources(settings(app));
        try {
            for (HttpClient c : new HttpClient[] {netty.getClient(), netty.postClient()}) {
                assertThat(c.configuration().isRetryDisabled()).as("no resend by Reactor Netty").isTrue();
                assertThat(c.configuration().followRedirectPredicate()).as("no redirect followed").isNull();
                assertThat(c.configuration().responseTimeout()).isEqualTo(Duration.ofSeconds(5));
            }
        } finally {
            netty.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void customizerSeesTheClientBeforeOurSettings_andItsOwnSettingsStay() {
        AppResources app = new AppResources(http -> http.wiretap(true).headers(h -> h.set("X-App", "1")), null,
                null, Metrics.NONE);
        NettyResources netty = new NettyResources(settings(app));
        try {
            assertThat(netty.getClient().configuration().headers().get("X-App")).isEqualTo("1");
            assertThat(netty.getClient().configuration().loggingHandler()).as("wiretap kept").isNotNull();
        } finally {
            netty.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
