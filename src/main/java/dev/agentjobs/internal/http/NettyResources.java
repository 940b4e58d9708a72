package dev.agentjobs.internal.http;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The Reactor Netty resources one client owns: its event loop, its connection pool and the configured
 * {@link HttpClient}s. Nothing global is used or disposed, so two clients, or a client and the simulator in
 * one JVM, never share or tear down each other's threads.
 */
final class NettyResources {

    /** Thread names start with this, so a thread dump shows whose loop it is. */
    static final String THREAD_PREFIX = "agentjobs-http";

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final LoopResources loops;
    private final ConnectionProvider pool;
    private final EventLoopGroup group;
    private final HttpClient getClient;
    private final HttpClient postClient;
    private final Scheduler loopScheduler;

    NettyResources(TransportSettings s) {
        this.loops = LoopResources.create(THREAD_PREFIX, s.eventLoopThreads(), true);
        boolean preferNative = LoopResources.DEFAULT_NATIVE;
        // The group object exists now; Netty starts its threads on the first task, so an unused client is free.
        this.group = loops.onClient(preferNative);
        this.pool = ConnectionProvider.builder("agentjobs")
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
        HttpClient base = HttpClient.create(pool)
                .runOn(loops, preferNative)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
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
        this.getClient = base;
        this.postClient = base.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
        // An EventLoopGroup is a ScheduledExecutorService: timers fire on the loop that runs the requests, with
        // no thread hop. This scheduler is never disposed on its own: disposing it would shut the group down
        // behind LoopResources' back; closing the loops ends its timers.
        this.loopScheduler = Schedulers.fromExecutorService(group, THREAD_PREFIX);
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

    /** Closes the pool's connections, then stops the event loop; each step runs once however often called. */
    Mono<Void> disposeLater() {
        return pool.disposeLater()
                .onErrorResume(e -> Mono.empty())
                .then(loops.disposeLater(Duration.ZERO, SHUTDOWN_TIMEOUT));
    }
}
