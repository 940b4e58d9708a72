package dev.agentjobs.http;

import dev.agentjobs.internal.Metrics;
import java.util.Objects;
import java.util.function.UnaryOperator;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * What an embedding application lends a client: a customizer for the Reactor Netty {@link HttpClient} (proxy, TLS
 * trust, wiretap, Reactor Netty's own metrics), its own {@link LoopResources} and {@link ConnectionProvider}
 * (Spring's shared resource factory, for instance), and where the client's metrics go. A client never disposes a
 * loop or a pool it was lent; it disposes only what it made itself.
 *
 * @param customizer applied to the {@code HttpClient} before the settings the client cannot do without (see
 *                   {@link NettyResources})
 * @param loops      the application's event loops, or {@code null} for the client's own
 * @param pool       the application's connection pool, or {@code null} for the client's own
 * @param metrics    where requests and watches are counted; {@link Metrics#NONE} when no registry was given
 */
public record AppResources(UnaryOperator<HttpClient> customizer, LoopResources loops, ConnectionProvider pool,
                           Metrics metrics) {

    /** Nothing lent: the client's own loop and pool, no customizer, no metrics. */
    public static final AppResources NONE = new AppResources(UnaryOperator.identity(), null, null, Metrics.NONE);

    public AppResources {
        Objects.requireNonNull(customizer, "customizer");
        Objects.requireNonNull(metrics, "metrics");
    }
}
