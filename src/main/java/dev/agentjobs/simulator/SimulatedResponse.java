package dev.agentjobs.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted answer for the next matching request, like OkHttp's {@code MockResponse}. Immutable; the
 * {@code with...} methods return copies. Enqueue with {@link AgentJobsSimulator#enqueue(SimulatedResponse)}.
 *
 * <pre>{@code
 * sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());          // job exists, client sees a reset
 * sim.enqueue(SimulatedResponse.respond(503, "{\"error\":\"busy\"}").withHeader("Retry-After", "2"));
 * sim.enqueue(CallKind.GET, SimulatedResponse.delayed(Duration.ofSeconds(5))); // normal answer, late
 * }</pre>
 */
public final class SimulatedResponse {

    /** What the response does; package-private so the set can grow without breaking users. */
    enum Action { RESPOND, COMMIT_THEN_RESPOND, CLOSE, COMMIT_THEN_CLOSE, NORMAL }

    private final Action action;
    private final int status;
    private final byte[] body;
    private final Map<String, String> headers;
    private final Duration delay;

    private SimulatedResponse(Action action, int status, byte[] body, Map<String, String> headers, Duration delay) {
        this.action = action;
        this.status = status;
        this.body = body;
        this.headers = headers;
        this.delay = delay;
    }

    /** Answers {@code status} with {@code body} (sent as is, {@code application/json}) without acting on the request. */
    public static SimulatedResponse respond(int status, String body) {
        return new SimulatedResponse(Action.RESPOND, checkStatus(status), bytes(body), Map.of(), Duration.ZERO);
    }

    /** Acts on the request (creates the job, takes the message), then answers {@code status} with {@code body}. */
    public static SimulatedResponse commitThenRespond(int status, String body) {
        return new SimulatedResponse(Action.COMMIT_THEN_RESPOND, checkStatus(status), bytes(body), Map.of(),
                Duration.ZERO);
    }

    /** Closes the connection without a response and without acting on the request. */
    public static SimulatedResponse closeConnection() {
        return new SimulatedResponse(Action.CLOSE, 0, new byte[0], Map.of(), Duration.ZERO);
    }

    /** Acts on the request, then closes the connection without a response: the ambiguous create. */
    public static SimulatedResponse commitThenClose() {
        return new SimulatedResponse(Action.COMMIT_THEN_CLOSE, 0, new byte[0], Map.of(), Duration.ZERO);
    }

    /** The normal answer, sent after {@code delay} (real time). */
    public static SimulatedResponse delayed(Duration delay) {
        return new SimulatedResponse(Action.NORMAL, 0, new byte[0], Map.of(), Duration.ZERO).withDelay(delay);
    }

    /** A copy that sends one more header (ignored by the close actions). */
    public SimulatedResponse withHeader(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new SimulatedResponse(action, status, body, Map.copyOf(h), delay);
    }

    /** A copy that waits {@code delay} (real time) before answering or closing. */
    public SimulatedResponse withDelay(Duration value) {
        Objects.requireNonNull(value, "delay");
        if (value.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + value);
        }
        return new SimulatedResponse(action, status, body, headers, value);
    }

    Action action() {
        return action;
    }

    int status() {
        return status;
    }

    byte[] body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }

    Duration delay() {
        return delay;
    }

    private static int checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be within [100, 599], was " + status);
        }
        return status;
    }

    private static byte[] bytes(String body) {
        return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SimulatedResponse[" + action + (status > 0 ? " " + status : "")
                + (delay.isZero() ? "" : " after " + delay) + "]";
    }
}
