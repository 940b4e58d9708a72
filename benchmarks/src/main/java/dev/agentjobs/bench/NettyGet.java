package dev.agentjobs.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The Reactor Netty GET shared by the {@code raw-netty} and {@code azure-poller} peers, set up the way
 * Reactor Netty's reference guide recommends for a long-lived client: its own loop resources (one
 * event-loop thread, like agentjobs' default) and its own bounded pool, a response timeout, and the
 * body read whole with {@code responseSingle} so no buffer is left unreleased.
 */
final class NettyGet {

    private final HttpClient http;
    private final Target target;

    NettyGet(Target target) {
        this.target = target;
        ConnectionProvider pool = ConnectionProvider.builder("bench-peer")
                .maxConnections(256)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        this.http = HttpClient.create(pool)
                .runOn(LoopResources.create("bench-peer", 1, true))
                .baseUrl(target.baseUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, target.authorization())
                        .set(HttpHeaderNames.ACCEPT, "application/json"));
    }

    /** The status of {@code path}'s job; a non-200 answer or an empty body is an error. */
    Mono<String> status(String path) {
        return http.get().uri(path).responseSingle((res, body) -> {
            int code = res.status().code();
            if (code != 200) {
                return body.asString().defaultIfEmpty("")
                        .flatMap(text -> Mono.error(new IllegalStateException("HTTP " + code)));
            }
            return body.asByteArray().map(JobStatusText::parse);
        }).switchIfEmpty(Mono.error(() -> new IllegalStateException("empty answer")));
    }

    Target target() {
        return target;
    }
}
