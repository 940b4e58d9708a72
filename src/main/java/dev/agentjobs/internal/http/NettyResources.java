package dev.agentjobs.internal.http;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The Reactor Netty resources one client uses: its event loop, its connection pool and the configured
 * {@link HttpClient}s. Nothing global is used or disposed, so two clients, or a client and the simulator in
 * one JVM, never share or tear down each other's threads. The loop and the pool are the client's own unless the
 * application lent its own ({@link TransportSettings#loopResources()}, {@link TransportSettings#connectionProvider()});
 * a lent one is used, never disposed.
 */
final class NettyResources {

    /** Thread names start with this, so a thread dump shows whose loop it is. */
    static final String THREAD_PREFIX = "agentjobs-http";

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final LoopResources loops;
    private final ConnectionProvider pool;
    private final boolean ownLoops;
    private final boolean ownPool;
    private final EventLoopGroup group;
    private final HttpClient getClient;
    private final HttpClient postClient;
    private final Scheduler loopScheduler;

    NettyResources(TransportSettings s) {
        this.ownLoops = s.loopResources() == null;
        this.loops = ownLoops ? LoopResources.create(THREAD_PREFIX, s.eventLoopThreads(), true) : s.loopResources();
        boolean preferNative = LoopResources.DEFAULT_NATIVE;
        // The group object exists now; Netty starts its threads on the first task, so an unused client is free.
        this.group = loops.onClient(preferNative);
        this.ownPool = s.connectionProvider() == null;
        this.pool = ownPool ? ownPool(s, group) : s.connectionProvider();
        HttpClient configured = mustKeep(RedactingWiretap.replacing(
                customized(s, HttpClient.create(pool).runOn(loops, preferNative)), s.apiKey()), s);
        this.getClient = configured;
        this.postClient = configured.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
        // An EventLoopGroup is a ScheduledExecutorService: timers fire on the loop that runs the requests, with
        // no thread hop. This scheduler is never disposed on its own: disposing it would shut the group down
        // behind LoopResources' back; closing the loops ends its timers.
        this.loopScheduler = Schedulers.fromExecutorService(group, THREAD_PREFIX);
    }

    private static ConnectionProvider ownPool(TransportSettings s, EventLoopGroup group) {
        return ConnectionProvider.builder("agentjobs")
                .maxConnections(s.maxConnections())
                .maxIdleTime(s.maxIdleTime())
                // Our InFlightLimiter keeps the pool's own queue empty; never fail on its size.
                .pendingAcquireMaxCount(-1)
                // By default the pool times pending acquires (a borrower waiting while a connection is being
                // opened) on Schedulers.parallel(), which would start threads beside our event loop.
                .pendingAcquireTimer((task, delay) -> {
                    ScheduledFuture<?> f = group.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                    return () -> f.cancel(false);
                })
                .build();
    }

    /**
     * The application's customizer applied to our client. It may add a proxy, TLS trust, a wiretap, metrics or
     * hooks, but the client it returns must still run on the loop and pool we hold: we time on that loop and
     * dispose (or not) exactly what we made, so a swapped one would be leaked or disposed behind its owner's back.
     */
    private static HttpClient customized(TransportSettings s, HttpClient base) {
        HttpClient c = s.httpClientCustomizer().apply(base);
        if (c == null) {
            throw new IllegalArgumentException("the HttpClient customizer returned null");
        }
        if (c.configuration().connectionProvider() != base.configuration().connectionProvider()
                || c.configuration().loopResources() != base.configuration().loopResources()) {
            throw new IllegalArgumentException("the HttpClient customizer must not replace the connection pool or"
                    + " the event loops: give them to the client builder (connectionProvider, loopResources)");
        }
        return c;
    }

    /**
     * What the client cannot do without, applied after the customizer so that it cannot undo any of it: no resend
     * behind our back (a POST that may have reached the server is never sent again), no redirect followed, our
     * timeouts, our headers (the key among them), and the hooks that tell how far an attempt got. A wiretap the
     * customizer turned on was swapped for one that cuts the key out ({@link RedactingWiretap}) just before. And
     * HTTP/1.1 only: with HTTP/2 over TLS Reactor Netty adds its own frame logger beside a wiretap, which prints
     * the decoded {@code authorization} header, and the HPACK-coded bytes would slip past our redaction too.
     */
    private static HttpClient mustKeep(HttpClient customized, TransportSettings s) {
        // Set only when the customizer changed it: HttpClient.protocol(...) initialises Reactor Netty's TLS and
        // HTTP/3 support, which fails on the module path without the optional QUIC module.
        HttpClient c = List.of(HttpProtocol.HTTP11).equals(Arrays.asList(customized.configuration().protocols()))
                ? customized : customized.protocol(HttpProtocol.HTTP11);
        return c.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        s.connectTimeout().toMillis()))
                .responseTimeout(s.responseTimeout())
                // Reactor Netty would resend a request on a connection reset before its headers went out;
                // JobsTransport makes that decision itself, for every call, with the listener told.
                .disableRetry(true)
                .followRedirect(false)
                .headers(h -> h
                        .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + s.apiKey().reveal())
                        .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                        .set(HttpHeaderNames.USER_AGENT, s.userAgent()))
                .doOnRequest((req, conn) -> {
                    AttemptTracker t = AttemptTracker.from(req.currentContextView());
                    if (t != null) {
                        t.requestPrepared(req, conn);
                    }
                })
                .doAfterRequest((req, conn) -> {
                    AttemptTracker t = AttemptTracker.from(req.currentContextView());
                    if (t != null) {
                        t.requestWritten();
                    }
                });
    }

    HttpClient getClient() {
        return getClient;
    }

    HttpClient postClient() {
        return postClient;
    }

    Scheduler loopScheduler() {
        return loopScheduler;
    }

    /**
     * Closes the pool's connections, then stops the event loop; each step runs once however often called. A pool
     * or loop the application lent is left alone: its owner disposes it.
     */
    Mono<Void> disposeLater() {
        Mono<Void> closePool = ownPool ? pool.disposeLater().onErrorResume(e -> Mono.empty()) : Mono.empty();
        return closePool.then(ownLoops ? loops.disposeLater(Duration.ZERO, SHUTDOWN_TIMEOUT) : Mono.empty());
    }
}
