package dev.agentjobs.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The Reactor Netty handler: routes, checks the key, reads the body, records the request, asks the
 * {@link SimulatorEngine} and writes its {@link Reply}. Everything runs on the connection's event loop; delays
 * are scheduled on that same loop, so nothing blocks and nothing hops threads.
 */
final class HttpFront {

    private static final byte[] NO_BODY = new byte[0];

    private final SimulatorEngine engine;
    private final Counters counters;
    private final RequestLog log;
    private final String apiKey;

    HttpFront(SimulatorEngine engine, Counters counters, RequestLog log, String apiKey) {
        this.engine = engine;
        this.counters = counters;
        this.log = log;
        this.apiKey = apiKey;
    }

    Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        counters.requests.increment();
        String method = req.method().name();
        Route route = Route.of(method, req.uri());
        HttpHeaders headers = req.requestHeaders();
        if (!hasBody(headers)) {
            return dispatch(req, res, route, NO_BODY);
        }
        return req.receive().aggregate().asByteArray().defaultIfEmpty(NO_BODY)
                .flatMap(body -> dispatch(req, res, route, body));
    }

    private Mono<Void> dispatch(HttpServerRequest req, HttpServerResponse res, Route route, byte[] body) {
        if (log.enabled()) {
            log.add(record(req, route, body));
        }
        Reply reply;
        if (route.status() != 0) {
            reply = Reply.error(route.status(), route.error());
        } else if (route.stats()) {
            reply = Reply.json(200, JsonBodies.stats(engine.stats()));
        } else if (!authorized(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
            // Never echo the key, the expected one or the one sent.
            reply = Reply.error(401, "missing or invalid API key");
        } else {
            reply = engine.process(route.kind(), route.projectId(), route.jobId(), body);
        }
        counters.answered(reply.status());
        Mono<Void> send = Mono.defer(() -> write(res, reply));
        return reply.delayMs() > 0 ? delay(res, reply.delayMs()).then(send) : send;
    }

    private static Mono<Void> write(HttpServerResponse res, Reply reply) {
        if (reply.close()) {
            // Drop the connection with no status line at all; the handler then never completes on its own,
            // Reactor Netty disposes it when the channel goes inactive.
            res.withConnection(c -> c.channel().close());
            return Mono.never();
        }
        res.status(HttpResponseStatus.valueOf(reply.status()))
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(reply.body().length));
        reply.headers().forEach(res::header);
        Reply.Delivery delivery = reply.delivery();
        if (delivery.stalls()) {
            return stall(res, delivery.stallMs());
        }
        if (delivery.drips()) {
            return drip(res, reply.body(), delivery);
        }
        return res.sendByteArray(Mono.just(reply.body())).then();
    }

    /**
     * Headers now, then the body a piece per interval. The empty first piece, flushed, is what puts the status
     * line and headers on the wire at once. When the client closes the connection Reactor Netty cancels this
     * publisher, which cancels the pending timer: a dripping answer costs nothing after its client left.
     */
    private static Mono<Void> drip(HttpServerResponse res, byte[] body, Reply.Delivery d) {
        int n = d.chunkBytes();
        int pieces = (body.length + n - 1) / n;
        Flux<ByteBuf> dripped = Flux.range(0, pieces).concatMap(i -> delay(res, d.intervalMs())
                .then(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body, i * n, Math.min(n, body.length - i * n)))));
        return res.send(Flux.concat(Mono.just(Unpooled.EMPTY_BUFFER), dripped), b -> true).then();
    }

    /** Headers now, then silence; the server gives up after {@code stallMs} and closes the connection. */
    private static Mono<Void> stall(HttpServerResponse res, long stallMs) {
        Mono<ByteBuf> closeLater = delay(res, stallMs)
                .then(Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close())))
                .then(Mono.never());
        return res.send(Flux.concat(Mono.just(Unpooled.EMPTY_BUFFER), closeLater), b -> true).then();
    }

    private static Mono<Void> delay(HttpServerResponse res, long millis) {
        return Mono.create(sink -> res.withConnection(c -> {
            ScheduledFuture<?> timer = c.channel().eventLoop().schedule(() -> sink.success(), millis,
                    TimeUnit.MILLISECONDS);
            sink.onCancel(() -> timer.cancel(false));
        }));
    }

    /** Constant-time comparison of the bearer token, so response timing says nothing about the key. */
    private boolean authorized(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String token = header.substring(7).strip();
        int diff = token.length() ^ apiKey.length();
        for (int i = 0; i < apiKey.length(); i++) {
            diff |= apiKey.charAt(i) ^ (i < token.length() ? token.charAt(i) : 0);
        }
        return diff == 0;
    }

    private static boolean hasBody(HttpHeaders h) {
        return h.contains(HttpHeaderNames.CONTENT_LENGTH) ? h.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > 0
                : h.contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    private static RecordedRequest record(HttpServerRequest req, Route route, byte[] body) {
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> e : req.requestHeaders()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("authorization")) {
                headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(e.getValue());
            }
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        Map<String, String> params = new HashMap<>(2);
        if (route.projectId() != null) {
            params.put("projectId", route.projectId());
        }
        if (route.jobId() != null) {
            params.put("id", route.jobId());
        }
        return new RecordedRequest(req.method().name(), req.uri(), route.kind(), params,
                new String(body, StandardCharsets.UTF_8), headers);
    }
}
