package dev.agentjobs.internal.http;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.ClientClosedException;
import dev.agentjobs.api.Job;
import dev.agentjobs.internal.Metrics;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.context.ContextView;

/**
 * The HTTP side of {@code AgentJobsClient}: one attempt of a call is built here, bounded by the
 * {@link InFlightLimiter}, read by {@link CappedBody}, decoded by {@link JobCodec}, mapped by
 * {@link ErrorMapper}, and retried by {@link CallRetry}. Each call is a lazy {@code Mono}; cancelling it
 * cancels the request (or its place in the queue) and frees its permit. Each attempt, from its permit to the
 * last body byte, is bounded by {@link TransportSettings#attemptTimeout()}.
 *
 * <p>After {@link #closeLater()} every new attempt fails with a {@link ClientClosedException} (an {@link IllegalStateException}), which no
 * retry rule touches.
 */
public final class JobsTransport {

    private final TransportSettings settings;
    private final AgentJobsListener listener;
    private final JobPaths paths;
    private final ErrorMapper errors;
    private final InFlightLimiter limiter;
    private final Metrics metrics;
    private final NettyResources netty;
    private final Scheduler scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Completes when closing starts, before the event loop goes: what a call waiting to be retried races.
    private final Sinks.Empty<Void> closing = Sinks.empty();
    private final ClientScope scope = new ClientScope(this);
    private final Mono<Void> disposal;

    public JobsTransport(TransportSettings settings) {
        this.settings = settings;
        this.listener = settings.listener();
        this.paths = new JobPaths(settings.baseUrl(), settings.projectId());
        this.errors = new ErrorMapper(settings.apiKey(), settings.responseTimeout(), settings.attemptTimeout());
        this.limiter = new InFlightLimiter(slots(settings));
        // Only a client given a registry touches Micrometer (MicrometerMetrics is loaded by Metrics.micrometer).
        this.metrics = settings.meterRegistry() == null ? Metrics.NONE
                : Metrics.micrometer(settings.meterRegistry(), settings.projectId());
        metrics.bindLimiter(limiter::inFlight, limiter::waiting);
        this.netty = new NettyResources(settings);
        this.scheduler = settings.scheduler() != null ? settings.scheduler() : netty.loopScheduler();
        // cache(): every closeLater() subscriber waits for the one disposal instead of starting another.
        this.disposal = Mono.defer(netty::disposeLater).cache();
    }

    /** {@code POST /v2/agent/{projectId}/job}: resent only on 429 or when it provably never left. */
    public Mono<Job> create(String prompt, CallRetryPolicy retry) {
        return call(ApiCall.CREATE, null, paths.jobs(), JobCodec.encodePrompt(prompt), retry);
    }

    /** {@code GET /v2/agent/{projectId}/job/{id}}: retried on any transient failure. */
    public Mono<Job> get(String jobId, CallRetryPolicy retry) {
        return call(ApiCall.GET, jobId, paths.job(jobId), null, retry);
    }

    /** {@code POST /v2/agent/{projectId}/job/{id}/message}: resent like a create. */
    public Mono<Job> sendMessage(String jobId, String prompt, CallRetryPolicy retry) {
        return call(ApiCall.MESSAGE, jobId, paths.messages(jobId), JobCodec.encodePrompt(prompt), retry);
    }

    /**
     * Requests allowed in flight: {@code maxConnections}, or fewer when a lent pool holds fewer connections. Past
     * its size a pool queues acquires itself, with its own limit and timeout (two times its size and 45 s by
     * Reactor Netty's default), and fails what overflows; our queue has neither limit nor timer.
     */
    static int slots(TransportSettings settings) {
        int pool = settings.connectionProvider() == null ? -1 : settings.connectionProvider().maxConnections();
        return pool > 0 ? Math.min(pool, settings.maxConnections()) : settings.maxConnections();
    }

    /** Where requests are counted, and the watchers built on this client count theirs. */
    public Metrics metrics() {
        return metrics;
    }

    /** The settings this transport was built with. */
    public TransportSettings settings() {
        return settings;
    }

    /** What the library's other packages share through this client (see {@link ClientScope}). */
    public ClientScope scope() {
        return scope;
    }

    /** The scheduler every delay runs on: the injected one, else the client's own event loop. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Marks the transport closed and frees its pool and event loop; idempotent. */
    public Mono<Void> closeLater() {
        return Mono.defer(() -> {
            if (closed.compareAndSet(false, true)) {
                // Told before the event loop goes: whoever waits on a timer of this client can still end.
                scope.close();
                metrics.close();
                closing.tryEmitEmpty();
            }
            return disposal;
        });
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Requests holding a slot now; for tests and diagnostics. */
    int inFlight() {
        return limiter.inFlight();
    }

    private Mono<Job> call(ApiCall call, String jobId, String url, byte[] body, CallRetryPolicy policy) {
        // Each attempt reads its subscriber's Context: the caller's for a create or a message, the watch's for a
        // poll. The request carries it (hooks read it with req.currentContextView()), and the listener is called
        // with its ThreadLocals restored (ThreadLocalContext).
        return limiter.limit(Mono.deferContextual(context -> attempt(call, jobId, url, body, context)))
                .retryWhen(new CallRetry(call, jobId, policy, scheduler, listener, closing.asMono()));
    }

    private Mono<Job> attempt(ApiCall call, String jobId, String url, byte[] body, ContextView context) {
        if (closed.get()) {
            return Mono.error(new ClientClosedException("agentjobs client is closed: "
                    + ErrorMapper.label(call, jobId) + " not sent"));
        }
        AttemptTracker tracker = new AttemptTracker();
        long start = now();
        Listeners.requestStarted(listener, context, call, jobId);
        HttpClient.ResponseReceiver<?> request = body == null
                ? netty.getClient().get().uri(url)
                : netty.postClient().post().uri(url).send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
        return request
                .response((res, content) -> onResponse(call, jobId, res, content, tracker, start, context))
                .next()
                .doOnCancel(tracker::abort)
                // Reactor Netty's responseTimeout only bounds silence; a server dripping a byte now and then
                // would hold the attempt forever. This bounds the whole attempt. Its cancel passes through
                // doOnCancel above, which closes the connection: the rest of that response must never be read
                // as the next call's answer. The timer runs on our own event loop, also under an injected
                // virtual-time scheduler (a network bound must not wait for virtual time to be advanced), and
                // inside the attempt, so a watch's circuit breaker counts the cut poll as a failure.
                .timeout(settings.attemptTimeout(),
                        Mono.error(() -> new ErrorMapper.AttemptTimeoutException(settings.attemptTimeout())),
                        netty.loopScheduler())
                .contextWrite(ctx -> ctx.put(AttemptTracker.key(), tracker))
                .onErrorMap(e -> !(e instanceof AgentJobsException),
                        e -> errors.fromFailure(call, jobId, e, tracker.mayHaveReachedServer()))
                .doOnError(e -> {
                    if (!tracker.isHttpError()) {
                        Listeners.requestFailed(listener, context, call, jobId, e, elapsedSince(start));
                    }
                })
                .transform(attemptMono -> metered(attemptMono, call, start));
    }

    /** Times the attempt into the metrics, by its outcome; with no registry, metrics is NONE and this is a no-op. */
    private Mono<Job> metered(Mono<Job> attemptMono, ApiCall call, long start) {
        if (metrics == Metrics.NONE) {
            return attemptMono;
        }
        return attemptMono
                .doOnSuccess(job -> metrics.requestEnded(call, "2xx", now() - start))
                .doOnError(e -> metrics.requestEnded(call, Metrics.outcomeOf(e), now() - start))
                .doOnCancel(() -> metrics.requestEnded(call, "cancelled", now() - start));
    }

    private Mono<Job> onResponse(ApiCall call, String jobId, HttpClientResponse res, ByteBufFlux content,
                                 AttemptTracker tracker, long start, ContextView context) {
        tracker.responded();
        int status = res.status().code();
        Listeners.responseReceived(listener, context, call, jobId, status, elapsedSince(start));
        Mono<byte[]> bytes = CappedBody.read(content, declaredLength(res), settings.maxResponseBytes());
        if (status >= 200 && status <= 299) {
            return bytes
                    .onErrorMap(CappedBody.TooLargeException.class,
                            e -> errors.malformed(call, jobId, status, e.getMessage(), e))
                    .flatMap(b -> {
                        try {
                            Job job = JobCodec.withoutKey(JobCodec.decodeJob(b, jobId), settings.apiKey());
                            if (job.id() == null) {
                                // A created job without an id can never be looked at again.
                                throw new JobCodec.DecodeException("the job in the response has no id", null);
                            }
                            return Mono.just(job);
                        } catch (JobCodec.DecodeException e) {
                            return Mono.error(errors.malformed(call, jobId, status, e.getMessage(), e));
                        }
                    });
        }
        // A non-2xx status says what happened even when its body is too large to read: keep the status.
        return bytes
                .onErrorResume(CappedBody.TooLargeException.class, e -> Mono.just(new byte[0]))
                .flatMap(b -> {
                    tracker.httpError();
                    String retryAfter = res.responseHeaders().get(HttpHeaderNames.RETRY_AFTER);
                    String location = res.responseHeaders().get(HttpHeaderNames.LOCATION);
                    return Mono.error(errors.fromStatus(call, jobId, status, JobCodec.errorText(b, settings.apiKey()),
                            RetryAfter.parse(retryAfter, settings.clock()), location));
                });
    }

    private static long declaredLength(HttpClientResponse res) {
        String value = res.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    private Duration elapsedSince(long start) {
        return Duration.ofNanos(Math.max(0, now() - start));
    }
}
