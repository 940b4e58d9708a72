package dev.agentjobs.api;

import dev.agentjobs.internal.Checks;
import dev.agentjobs.internal.http.ClientScope;
import dev.agentjobs.internal.http.JobsTransport;
import dev.agentjobs.internal.http.TransportSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Client for the agent-jobs API: create a job, get it, send it a follow-up message. Each call is a lazy
 * {@code Mono<Job>}: nothing is sent until it is subscribed, and cancelling it cancels the request.
 *
 * <p>The client owns its event loop (one thread by default) and its connection pool; {@link #close()}
 * frees them. One client serves any number of concurrent calls and watches: share it.
 *
 * <pre>{@code
 * try (AgentJobsClient client = AgentJobsClient.builder()
 *         .projectId("my-project")
 *         .apiKey(ApiKey.fromEnvironment("MINTLIFY_API_KEY"))
 *         .build()) {
 *     Job job = client.create("Document the new /health endpoint").block();
 *     Job now = client.get(job.id()).block();
 * }
 * }</pre>
 *
 * <p>Errors are {@link AgentJobsException} subclasses. A GET is retried on transient failures; a create
 * or a message only where the server provably did not act on it (see {@link CallRetryPolicy}); after an
 * ambiguous failure they end with {@link OutcomeUnknownException}.
 */
public final class AgentJobsClient implements JobsApi, Disposable, AutoCloseable {

    /** The public API's base URL. */
    public static final URI DEFAULT_BASE_URL = TransportSettings.DEFAULT_BASE_URL;

    static {
        // The watch engine, the fan-out and the gateway reach the client's scheduler, clock, listener and
        // shared state through this accessor, so none of it has to be public API here.
        ClientScope.install(client -> client.transport.scope());
    }

    private final TransportSettings settings;
    private final JobsTransport transport;

    private AgentJobsClient(TransportSettings settings) {
        this.settings = settings;
        this.transport = new JobsTransport(settings);
    }

    /** A builder with the defaults; {@link Builder#projectId} and {@link Builder#apiKey} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this client's settings, to build a sibling with a few changed. */
    public Builder toBuilder() {
        return new Builder(settings.toBuilder());
    }

    /**
     * Creates a job that runs {@code prompt} (the API answers 201 with the new job).
     *
     * @throws IllegalArgumentException at once, before anything is sent, when the prompt is null or empty
     */
    @Override
    public Mono<Job> create(String prompt) {
        Checks.requirePrompt(prompt);
        return transport.create(prompt, settings.retryPolicy());
    }

    /** Gets the current state of a job, retrying transient failures per this client's retry policy. */
    @Override
    public Mono<Job> get(String jobId) {
        return get(jobId, settings.retryPolicy());
    }

    /**
     * Gets a job with a retry policy of its own for this call.
     *
     * <pre>{@code
     * Job once = client.get(id, CallRetryPolicy.none()).block();   // one try, no retry
     * }</pre>
     */
    public Mono<Job> get(String jobId, CallRetryPolicy retryPolicy) {
        Checks.requireId("jobId", jobId);
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        return transport.get(jobId, retryPolicy);
    }

    /**
     * Sends a follow-up message to a job. The server processes it asynchronously: poll (or watch) the job
     * afterwards; it may show {@code active} again until the follow-up is done.
     */
    @Override
    public Mono<Job> sendMessage(String jobId, String prompt) {
        Checks.requireId("jobId", jobId);
        Checks.requirePrompt(prompt);
        return transport.sendMessage(jobId, prompt, settings.retryPolicy());
    }

    /** The base URL calls go to. */
    public URI baseUrl() {
        return settings.baseUrl();
    }

    /** The project the calls act on. */
    public String projectId() {
        return settings.projectId();
    }

    /**
     * Closes the client without blocking: new calls fail with {@link ClientClosedException}, calls in flight
     * fail, the watches built on it end with an {@link IllegalStateException}, then its event loop and
     * connection pool are freed. Completes once they are; safe on any thread, its own event loop included.
     * Idempotent: every subscriber waits for the one shutdown.
     *
     * <pre>{@code
     * // A reactive application's shutdown: watches first, then the client.
     * watcher.closeGracefully().then(client.closeGracefully()).block(Duration.ofSeconds(15));
     * }</pre>
     */
    public Mono<Void> closeGracefully() {
        return transport.closeLater();
    }

    /** Same as {@link #closeGracefully()}, the name {@link Disposable} users look for. */
    public Mono<Void> disposeLater() {
        return closeGracefully();
    }

    /**
     * Closes the client. On a thread that may block, waits up to 10 s for its event loop and pool to be
     * freed; on a non-blocking thread (an event loop, Reactor's parallel scheduler: from a callback, say) it
     * starts the same shutdown and returns at once, since blocking there would stall every other task of
     * that thread. Idempotent.
     */
    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            closeGracefully().subscribe(null, e -> { });
        } else {
            closeGracefully().block(Duration.ofSeconds(10));
        }
    }

    /** Same as {@link #close()}. */
    @Override
    public void dispose() {
        close();
    }

    @Override
    public boolean isDisposed() {
        return transport.isClosed();
    }

    @Override
    public String toString() {
        return "AgentJobsClient{" + settings + '}';
    }

    /**
     * Settings of an {@link AgentJobsClient}. Each setter checks its value at once and names it when it is
     * wrong. A builder can be reused; {@link #build()} copies it.
     */
    public static final class Builder {
        // The one checked list of settings lives in the transport; this is its public face.
        private final TransportSettings.Builder settings;

        private Builder() {
            this(TransportSettings.builder());
        }

        private Builder(TransportSettings.Builder settings) {
            this.settings = settings;
        }

        /** Base URL of the API, {@code https://api.mintlify.com} by default; http is allowed (simulator). */
        public Builder baseUrl(String value) {
            settings.baseUrl(value);
            return this;
        }

        /** Base URL of the API. */
        public Builder baseUrl(URI value) {
            settings.baseUrl(value);
            return this;
        }

        /** The project id (required). */
        public Builder projectId(String value) {
            settings.projectId(value);
            return this;
        }

        /** The admin API key (required). */
        public Builder apiKey(ApiKey value) {
            settings.apiKey(value);
            return this;
        }

        /** How long establishing a connection may take; 10 s by default. */
        public Builder connectTimeout(Duration value) {
            settings.connectTimeout(value);
            return this;
        }

        /**
         * The longest silence while a response is due: from the request written to the status line, and between
         * two reads of the body; 30 s by default. A server that keeps sending a byte now and then never trips
         * it: {@link #attemptTimeout} bounds the whole.
         */
        public Builder responseTimeout(Duration value) {
            settings.responseTimeout(value);
            return this;
        }

        /**
         * The longest one attempt of a call may take in all, whatever the server does: connecting, writing the
         * request, the status line and the whole body. 60 s by default, at most 1 hour. Time in this client's own
         * queue (beyond {@link #maxConnections}) and retry backoff do not count; each retry of a GET gets the
         * bound afresh, so a whole {@code get} lasts at most about {@code maxAttempts} bounds plus its backoff.
         *
         * <p>A server that sends its headers and then drips its body, or sends nothing more, is cut at the
         * bound and its connection closed (never put back in the pool). A GET cut so fails with a transient
         * {@link TransportException} (retried as GETs are, and counted by a watch's circuit breaker); a create
         * or a message cut after its request was written ends with {@link OutcomeUnknownException}, since the
         * server may have acted on it.
         *
         * <pre>{@code
         * AgentJobsClient.builder().projectId("p").apiKey(key)
         *         .attemptTimeout(Duration.ofSeconds(20))   // no call attempt outlives 20 s
         *         .build();
         * }</pre>
         */
        public Builder attemptTimeout(Duration value) {
            settings.attemptTimeout(value);
            return this;
        }

        /**
         * The most requests in flight at once, which is also the connection pool size; 256 by default.
         * Requests beyond it wait in this client's own queue, never in the pool's.
         */
        public Builder maxConnections(int value) {
            settings.maxConnections(value);
            return this;
        }

        /** How long an idle pooled connection is kept; keep it below the server's keep-alive. 20 s by default. */
        public Builder maxIdleTime(Duration value) {
            settings.maxIdleTime(value);
            return this;
        }

        /** Threads of the client's own event loop; 1 by default, which carries 10k+ requests per second. */
        public Builder eventLoopThreads(int value) {
            settings.eventLoopThreads(value);
            return this;
        }

        /** The largest response body accepted; 1 MiB by default. A larger one is a malformed response. */
        public Builder maxResponseBytes(int value) {
            settings.maxResponseBytes(value);
            return this;
        }

        /** How single calls are retried; {@link CallRetryPolicy#defaults()} by default. */
        public Builder retryPolicy(CallRetryPolicy value) {
            settings.retryPolicy(value);
            return this;
        }

        /** Receives request, retry and poll callbacks; {@link AgentJobsListener#NONE} by default. */
        public Builder listener(AgentJobsListener value) {
            settings.listener(value);
            return this;
        }

        /** The clock for event timestamps and HTTP-date {@code Retry-After}; the UTC system clock by default. */
        public Builder clock(Clock value) {
            settings.clock(value);
            return this;
        }

        /**
         * The scheduler for every delay (retry backoff, polls); by default the client's own event loop.
         * Tests pass a virtual-time scheduler here.
         */
        public Builder scheduler(Scheduler value) {
            settings.scheduler(value);
            return this;
        }

        /** The {@code User-Agent} header. */
        public Builder userAgent(String value) {
            settings.userAgent(value);
            return this;
        }

        /**
         * Configures the Reactor Netty {@link HttpClient} the client sends with: a proxy, TLS trust, a wiretap,
         * Reactor Netty's own metrics, request hooks. Applied once, at {@link #build()}, before what the client
         * cannot do without, which it therefore cannot undo: requests are never resent by Reactor Netty (a create
         * that may have reached the server is never sent twice), redirects are not followed, this builder's
         * timeouts and headers hold, at most {@link #maxConnections} requests are in flight, and the client speaks
         * HTTP/1.1 (an HTTP/2 protocol set here is replaced: Reactor Netty's HTTP/2 frame logger would print the
         * key, and the no-resend rule reads HTTP/1.1's request state). A wiretap logs the traffic as text with the
         * API key replaced by {@code [REDACTED]}. The customizer must not swap the pool or
         * the event loops (the build fails if it does): lend those with {@link #connectionProvider} and
         * {@link #loopResources}.
         *
         * <pre>{@code
         * AgentJobsClient.builder().projectId("p").apiKey(key)
         *         .httpClientCustomizer(http -> http
         *                 .proxy(p -> p.type(ProxyProvider.Proxy.HTTP).host("proxy.internal").port(3128))
         *                 .secure(ssl -> ssl.sslContext(corporateTrust))
         *                 .metrics(true, uri -> "/v2/agent/{project}/job"))
         *         .build();
         * }</pre>
         */
        public Builder httpClientCustomizer(UnaryOperator<HttpClient> value) {
            settings.httpClientCustomizer(value);
            return this;
        }

        /**
         * The application's event loops (Spring's {@code ReactorResourceFactory.getLoopResources()}, for
         * instance) instead of the client's own thread: requests and timers run on them. The client never
         * disposes them; {@link #eventLoopThreads} is then ignored.
         */
        public Builder loopResources(LoopResources value) {
            settings.loopResources(value);
            return this;
        }

        /**
         * The application's connection pool instead of the client's own. The client never disposes it, and still
         * sends at most {@link #maxConnections} requests at once (or the pool's own {@code maxConnections()} when
         * that is smaller), queueing the rest itself, so the pool's bounded queue never overflows;
         * {@link #maxIdleTime} is then the pool's business.
         */
        public Builder connectionProvider(ConnectionProvider value) {
            settings.connectionProvider(value);
            return this;
        }

        /**
         * Records the client's metrics, and those of the watchers built on it, into {@code registry}: request
         * timers by call and outcome, polls, deferred polls by reason, active watches and subscribers, events by
         * kind and status, job durations, requests in flight and queued, and the circuit breakers through
         * Resilience4j's own binding (see the README's metrics table). Needs micrometer-core and
         * resilience4j-micrometer on the class path ({@link #build()} fails naming the second when it is
         * missing); without this call neither is loaded.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            settings.meterRegistry(Objects.requireNonNull(registry, "meterRegistry"));
            return this;
        }

        /** Builds the client; it starts its event loop lazily, on the first request. */
        public AgentJobsClient build() {
            return new AgentJobsClient(settings.build());
        }

        @Override
        public String toString() {
            return settings.toString();
        }
    }
}
