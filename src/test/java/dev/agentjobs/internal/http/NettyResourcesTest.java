package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.ApiKey;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/** The settings the client cannot do without survive whatever the application's customizer sets. */
class NettyResourcesTest {

    private static TransportSettings settings(UnaryOperator<HttpClient> customizer) {
        return TransportSettings.builder().baseUrl("http://127.0.0.1:1").projectId("proj")
                .apiKey(ApiKey.of("mint_netty_resources_key")).responseTimeout(Duration.ofSeconds(5))
                .httpClientCustomizer(customizer).build();
    }

    @Test
    void customizerCannotTurnOnResendsRedirectsOrLongerTimeouts() {
        NettyResources netty = new NettyResources(settings(http -> http
                .disableRetry(false)
                .followRedirect(true)
                .responseTimeout(Duration.ofHours(1))));
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
    void customizerSeesTheClientBeforeOurSettings_andItsOwnSettingsStay_butItsWiretapIsRedacted() {
        NettyResources netty = new NettyResources(settings(http -> http.wiretap(true)
                .headers(h -> h.set("X-App", "1"))));
        try {
            assertThat(netty.getClient().configuration().headers().get("X-App")).isEqualTo("1");
            assertThat(netty.getClient().configuration().loggingHandler())
                    .as("Reactor Netty's wiretap, which would log the key, is swapped for RedactingWiretap").isNull();
        } finally {
            netty.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void customizerCannotTurnOnHttp2_whoseFrameLoggerWouldPrintTheKeyBesideAWiretap() {
        NettyResources netty = new NettyResources(settings(http -> http.wiretap(true)
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)));
        try {
            for (HttpClient c : new HttpClient[] {netty.getClient(), netty.postClient()}) {
                assertThat(c.configuration().protocols()).containsExactly(HttpProtocol.HTTP11);
            }
        } finally {
            netty.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
