package dev.agentjobs.internal.http;

import reactor.netty.Connection;
import reactor.netty.http.HttpOperations;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.context.ContextView;

/**
 * Records how far one attempt got before it failed, which decides whether a create or a message may be sent
 * again. The shared {@code HttpClient} has one {@code doOnRequest}/{@code doAfterRequest} hook pair; each
 * attempt puts its own tracker into the Reactor context, and the hooks find it through the request's
 * {@link HttpClientRequest#currentContextView()}.
 *
 * <p>The request provably never reached the server when the failure came before {@code doOnRequest} (no
 * connection: refused, connect timeout, pool acquisition), or after it while Reactor Netty still reports that
 * no header was marked as sent (a pooled connection found closed). That is the same test Reactor Netty's own
 * retry uses, which this client disables so that a POST is never resent behind its back. Anything later is
 * ambiguous.
 */
final class AttemptTracker {

    private static final Object KEY = AttemptTracker.class;

    private volatile HttpClientRequest request;
    private volatile Connection connection;
    private volatile boolean written;
    private volatile boolean responded;
    private volatile boolean httpError;

    static AttemptTracker from(ContextView context) {
        return context.getOrDefault(KEY, null);
    }

    static Object key() {
        return KEY;
    }

    /** From {@code doOnRequest}: a connection is ready and the request is about to be written. */
    void requestPrepared(HttpClientRequest req, Connection conn) {
        this.request = req;
        this.connection = conn;
    }

    /**
     * The caller cancelled while the request was out: close its connection. Reactor Netty keeps a connection
     * whose response is still due, so it would stay checked out of the pool until the server answered, and
     * the permit our limiter just freed would find no connection to use.
     */
    void abort() {
        Connection c = connection;
        if (c != null) {
            c.dispose();
        }
    }

    /** From {@code doAfterRequest}: the request was written in full. */
    void requestWritten() {
        this.written = true;
    }

    /** A status line arrived: whatever fails now is about the response, not the transport. */
    void responded() {
        this.responded = true;
    }

    /** The attempt ends with a mapped non-2xx status, which the listener already saw as a response. */
    void httpError() {
        this.httpError = true;
    }

    boolean isHttpError() {
        return httpError;
    }

    /** Whether the server may have seen this request, so that resending a POST could act twice. */
    boolean mayHaveReachedServer() {
        if (written || responded) {
            return true;
        }
        HttpClientRequest req = request;
        if (req == null) {
            return false;
        }
        // Without Reactor Netty's own flag we cannot prove the headers stayed unsent: assume they left.
        return !(req instanceof HttpOperations<?, ?> ops) || ops.hasSentHeaders();
    }
}
