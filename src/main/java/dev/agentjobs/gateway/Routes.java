package dev.agentjobs.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.gateway.HttpReplies.Refused;
import dev.agentjobs.internal.JobJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Every request: the host, origin and credential checks first, then the endpoint. Nothing here touches the
 * API key: upstream calls go through the {@link JobHub}, and every error body is a fixed text.
 */
final class Routes {

    /** What an id may be: the API's ids are short opaque ASCII tokens; anything else never goes upstream. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Frame HEARTBEAT = Frame.comment("ping");
    private static final Frame END = Frame.comment("end");
    /** Characters of an in-doubt create's prompt that {@code GET /jobs} shows, enough to recognise its job by. */

    private final Settings settings;
    private final JobHub hub;
    private final Auth auth;
    private final StreamQuota quota;
    private final Dashboard dashboard;
    private final Scheduler timers;
    private final String storage;
    private final Frame retryHint;

    Routes(Settings settings, JobHub hub, Auth auth, Dashboard dashboard, Scheduler timers, String storage) {
        this.settings = settings;
        this.hub = hub;
        this.auth = auth;
        this.quota = new StreamQuota(settings.maxStreamsPerToken());
        this.dashboard = dashboard;
        this.timers = timers;
        this.storage = storage;
        this.retryHint = Frame.retry(settings.retryHint().toMillis());
    }

    int openStreams() {
        return quota.total();
    }

    Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        try {
            return route(req, res);
        } catch (Refused r) {
            return HttpReplies.error(res, r.status, r.getMessage());
        }
    }

    private Publisher<Void> route(HttpServerRequest req, HttpServerResponse res) {
        res.header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer");
        if (!RequestChecks.hostAllowed(settings, req.requestHeaders().get(HttpHeaderNames.HOST))) {
            // A page on another site that rebinds its DNS name to 127.0.0.1 sends its own name here.
            return HttpReplies.error(res, 403, "unexpected Host header");
        }
        String origin = req.requestHeaders().get(HttpHeaderNames.ORIGIN);
        boolean corsOrigin = origin != null && settings.allowedOrigins().contains(origin);
        if (corsOrigin) {
            res.header("Access-Control-Allow-Origin", origin).header("Access-Control-Allow-Credentials", "true")
                    .header(HttpHeaderNames.VARY, "Origin");
        }
        HttpMethod method = req.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            if (!corsOrigin) {
                return HttpReplies.error(res, 403, "cross-origin requests are not allowed from this origin");
            }
            return res.status(204).header("Access-Control-Allow-Methods", "GET, POST")
                    .header("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID")
                    .header("Access-Control-Max-Age", "600").send();
        }
        boolean changesState = !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD);
        if (changesState && origin != null && !corsOrigin && !RequestChecks.sameOrigin(origin, req)) {
            return HttpReplies.error(res, 403, "cross-origin request refused");
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        if (RequestChecks.credentialsInUrl(query)) {
            return HttpReplies.error(res, 400, "credentials are never accepted in a URL; use the Authorization"
                    + " header or the login form");
        }
        // The raw path, never decoded: an id arrives exactly as sent, and %2F cannot smuggle in a segment.
        String path = query.rawPath();
        if (method.equals(HttpMethod.GET) && dashboard.serves(path)) {
            return dashboard.send(path, res);
        }
        switch (path) {
            case "/healthz":
                return requireMethod(method, HttpMethod.GET) ? healthz(res) : notAllowed(res, "GET");
            case "/session":
                return requireMethod(method, HttpMethod.GET) ? session(req, res) : notAllowed(res, "GET");
            case "/login":
                return requireMethod(method, HttpMethod.POST) ? login(req, res) : notAllowed(res, "POST");
            case "/logout":
                return requireMethod(method, HttpMethod.POST) ? logout(res) : notAllowed(res, "POST");
            default:
                break;
        }
        String principal = auth.authenticate(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION),
                RequestChecks.cookie(req));
        if (principal == null) {
            res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return HttpReplies.error(res, 401, "authentication required: send Authorization: Bearer TOKEN,"
                    + " or log in on the dashboard");
        }
        return authenticated(req, res, method, path, query, principal);
    }

    private Publisher<Void> authenticated(HttpServerRequest req, HttpServerResponse res, HttpMethod method,
                                          String path, QueryStringDecoder query, String principal) {
        if (path.equals("/events")) {
            return requireMethod(method, HttpMethod.GET) ? feed(req, res, principal) : notAllowed(res, "GET");
        }
        if (path.equals("/jobs")) {
            if (method.equals(HttpMethod.GET)) {
                return list(res, query);
            }
            return method.equals(HttpMethod.POST) ? create(req, res) : notAllowed(res, "GET, POST");
        }
        if (!path.startsWith("/jobs/")) {
            return HttpReplies.error(res, 404, "no such endpoint");
        }
        String[] parts = path.substring("/jobs/".length()).split("/", -1);
        if (parts.length > 2) {
            return HttpReplies.error(res, 404, "no such endpoint");
        }
        String id = parts[0];
        if (!JOB_ID.matcher(id).matches()) {
            return HttpReplies.error(res, 400, "invalid job id: letters, digits, '_' and '-' only, at most 128");
        }
        if (parts.length == 1) {
            return requireMethod(method, HttpMethod.GET) ? getJob(res, id) : notAllowed(res, "GET");
        }
        return switch (parts[1]) {
            case "events" -> requireMethod(method, HttpMethod.GET) ? jobEvents(req, res, id, principal)
                    : notAllowed(res, "GET");
            case "messages" -> requireMethod(method, HttpMethod.POST) ? message(req, res, id)
                    : notAllowed(res, "POST");
            default -> HttpReplies.error(res, 404, "no such endpoint");
        };
    }

    private Publisher<Void> healthz(HttpServerResponse res) {
        ObjectNode n = HttpReplies.JSON.createObjectNode().put("status", "ok").put("storage", storage)
                .put("jobs", hub.knownJobs()).put("watching", hub.watchedJobs()).put("streams", quota.total())
                .put("inDoubt", hub.inDoubtCount());
        return HttpReplies.json(res, 200, n);
    }

    private Publisher<Void> session(HttpServerRequest req, HttpServerResponse res) {
        String principal = auth.authenticate(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION),
                RequestChecks.cookie(req));
        ObjectNode n = HttpReplies.JSON.createObjectNode().put("authRequired", auth.enabled())
                .put("authenticated", principal != null);
        return HttpReplies.json(res, 200, n);
    }

    private Publisher<Void> login(HttpServerRequest req, HttpServerResponse res) {
        return HttpReplies.body(req, settings.maxBodyBytes()).flatMap(body -> {
            HttpReplies.requireJson(req);
            JsonNode token = HttpReplies.parse(body).get("token");
            if (!auth.enabled()) {
                return Mono.from(HttpReplies.noContent(res));
            }
            String principal = token == null || !token.isTextual() ? null : auth.principalOfToken(token.textValue());
            if (principal == null) {
                return Mono.from(HttpReplies.error(res, 401, "unknown token"));
            }
            res.header(HttpHeaderNames.SET_COOKIE, sessionCookie(auth.newSession(principal), auth.sessionSeconds()));
            return Mono.from(HttpReplies.noContent(res));
        }).onErrorResume(Refused.class, r -> Mono.from(HttpReplies.error(res, r.status, r.getMessage())));
    }

    private Publisher<Void> logout(HttpServerResponse res) {
        res.header(HttpHeaderNames.SET_COOKIE, sessionCookie("", 0));
        return HttpReplies.noContent(res);
    }

    private String sessionCookie(String value, long maxAgeSeconds) {
        return Auth.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (settings.secureCookies() ? "; Secure" : "");
    }

    private Publisher<Void> list(HttpServerResponse res, QueryStringDecoder query) {
        int limit = RequestChecks.intParam(query, "limit", settings.pageSize(), 1, 200);
        long before = RequestChecks.longParam(query, "before", Long.MAX_VALUE);
        List<JobChannel> page = hub.page(before, limit);
        ObjectNode n = HttpReplies.JSON.createObjectNode();
        ArrayNode jobs = n.putArray("jobs");
        for (JobChannel c : page) {
            JobEvent latest = hub.latest(c);
            jobs.add(JobJson.job(latest.job()).put("updatedAt", latest.at().toString()));
        }
        if (before == Long.MAX_VALUE) {
            // Creates whose job may or may not exist have no id to page by: listed whole on the first page.
            ArrayNode inDoubt = n.putArray("inDoubt");
            for (GatewayLedger.InDoubtCreate r : hub.inDoubt()) {
                inDoubt.addObject().put("customId", r.customId()).put("status", "in_doubt")
                        .put("attemptedAt", r.attemptedAt() == null ? null : r.attemptedAt().toString())
                        .put("reason", r.reason()).put("prompt", r.prompt());
            }
        }
        if (page.size() == limit) {
            n.put("next", "/jobs?limit=" + limit + "&before=" + page.get(page.size() - 1).order);
        } else {
            n.putNull("next");
        }
        return HttpReplies.json(res, 200, n);
    }

    private Publisher<Void> create(HttpServerRequest req, HttpServerResponse res) {
        return HttpReplies.body(req, settings.maxBodyBytes())
                .map(body -> HttpReplies.prompt(req, body))
                .flatMap(hub::submit)
                .flatMap(c -> {
                    JobEvent latest = hub.latest(c);
                    res.header(HttpHeaderNames.LOCATION, "/jobs/" + c.jobId);
                    return Mono.from(HttpReplies.json(res, 201, JobJson.job(latest.job())));
                })
                .onErrorResume(e -> Mono.from(failure(res, e)));
    }

    private Publisher<Void> message(HttpServerRequest req, HttpServerResponse res, String id) {
        return HttpReplies.body(req, settings.maxBodyBytes())
                .map(body -> HttpReplies.prompt(req, body))
                .flatMap(prompt -> hub.followUp(id, prompt))
                .flatMap(c -> Mono.from(HttpReplies.json(res, 200, JobJson.job(hub.latest(c).job()))))
                .onErrorResume(e -> Mono.from(failure(res, e)));
    }

    private Publisher<Void> getJob(HttpServerResponse res, String id) {
        return hub.channel(id).flatMap(c -> {
            JobEvent latest = hub.latest(c);
            if (latest == null) {
                return Mono.from(HttpReplies.error(res, 503, "the API is unavailable; the gateway is retrying"));
            }
            return Mono.from(HttpReplies.json(res, 200, JobJson.job(latest.job())));
        }).onErrorResume(e -> Mono.from(failure(res, e)));
    }

    private Publisher<Void> jobEvents(HttpServerRequest req, HttpServerResponse res, String id, String principal) {
        EventId last = EventId.parse(req.requestHeaders().get("Last-Event-ID"));
        return hub.channel(id).flatMap(c -> withStreamSlot(res, principal, () -> {
            JobHub.Opened opened = hub.openJob(c, last);
            if (opened == JobHub.Opened.NO_CONTENT) {
                // The client saw the terminal event and reconnected by itself: 204 tells EventSource to stop.
                return HttpReplies.noContent(res);
            }
            return stream(res, opened);
        })).onErrorResume(e -> Mono.from(failure(res, e)));
    }

    private Publisher<Void> feed(HttpServerRequest req, HttpServerResponse res, String principal) {
        EventId last = EventId.parse(req.requestHeaders().get("Last-Event-ID"));
        return withStreamSlot(res, principal, () -> stream(res, hub.openFeed(last)));
    }

    /**
     * Runs {@code body} holding one of the principal's stream slots (429 when it has none left) and gives the slot
     * back however the body ends: written to the end, cancelled by the client, failed, or thrown before it ever
     * started (a slot kept by a throw would lower the token's cap for the gateway's lifetime).
     */
    private Mono<Void> withStreamSlot(HttpServerResponse res, String principal, Supplier<Publisher<Void>> body) {
        return Mono.using(() -> quota.tryAcquire(principal),
                taken -> Mono.from(taken ? body.get() : tooManyStreams(res)),
                taken -> {
                    if (taken) {
                        quota.release(principal);
                    }
                });
    }

    private Publisher<Void> stream(HttpServerResponse res, JobHub.Opened opened) {
        res.status(200).header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache").header("X-Accel-Buffering", "no");
        Flux<Frame> body = Flux.concat(Mono.just(retryHint), Flux.fromIterable(opened.replay()),
                opened.live() == null ? Flux.empty() : opened.live().frames(), Mono.just(END));
        Flux<Frame> beats = Flux.interval(settings.heartbeat(), settings.heartbeat(), timers)
                .map(i -> HEARTBEAT).onBackpressureDrop();
        Flux<ByteBuf> out = Flux.merge(body, beats).takeWhile(f -> f != END)
                .map(f -> Unpooled.wrappedBuffer(f.bytes()));
        // Flush each message at once: an event that waits in a buffer is an event the dashboard shows late.
        return res.send(out, b -> true).then().doFinally(s -> {
            if (opened.live() != null) {
                hub.release(opened.live());
            }
        });
    }

    private Publisher<Void> tooManyStreams(HttpServerResponse res) {
        res.header(HttpHeaderNames.RETRY_AFTER, "5");
        return HttpReplies.error(res, 429, "too many open streams for this token (at most "
                + settings.maxStreamsPerToken() + ")");
    }

    private Publisher<Void> failure(HttpServerResponse res, Throwable e) {
        if (e instanceof Refused r) {
            return HttpReplies.error(res, r.status, r.getMessage());
        }
        UpstreamErrors.Mapped m = UpstreamErrors.map(e);
        if (e instanceof RateLimitedException rl && rl.retryAfter().isPresent()) {
            res.header(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, rl.retryAfter().get().toSeconds())));
        }
        return HttpReplies.error(res, m.status(), m.message());
    }

    private static Publisher<Void> notAllowed(HttpServerResponse res, String allow) {
        res.header(HttpHeaderNames.ALLOW, allow);
        return HttpReplies.error(res, 405, "method not allowed; use " + allow);
    }

    private static boolean requireMethod(HttpMethod actual, HttpMethod expected) {
        return actual.equals(expected);
    }
}
