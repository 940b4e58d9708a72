package dev.agentjobs.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
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
 *
 * <p>A hostile server, for testing what a client does on a bad day:
 *
 * <pre>{@code
 * sim.enqueue(CallKind.CREATE, SimulatedResponse.normal().withBodyDrip(1, Duration.ofSeconds(10)));
 * sim.enqueue(CallKind.GET, SimulatedResponse.normal().withStallAfterHeaders(Duration.ofMinutes(1)));
 * sim.enqueue(CallKind.GET, SimulatedResponse.normal().withTerminalEscapes());   // ESC[2J, OSC title in fields
 * sim.enqueue(CallKind.GET, SimulatedResponse.normal().withCallerKeyIn("model")); // echoes the bearer key
 * sim.enqueue(CallKind.GET, SimulatedResponse.normal().withJobField("status", "queued"));
 * sim.enqueue(SimulatedResponse.redirect(302, "https://elsewhere.example/v2/agent/p/job"));
 * }</pre>
 */
public final class SimulatedResponse {

    /** ANSI CSI "erase display": clears a terminal that prints it raw. */
    public static final String CSI_CLEAR_SCREEN = "\u001b[2J";

    /** An OSC "set window title" sequence, ended by BEL: retitles a terminal that prints it raw. */
    public static final String OSC_SET_TITLE = "\u001b]0;agentjobs-sim-was-here\u0007";

    /** What the response does; package-private so the set can grow without breaking users. */
    enum Action { RESPOND, COMMIT_THEN_RESPOND, CLOSE, COMMIT_THEN_CLOSE, NORMAL }

    private final Action action;
    private final int status;
    private final byte[] body;
    private final Map<String, String> headers;
    private final Duration delay;
    private final Reply.Delivery delivery;
    // Field name -> replacement; a null value stands for the caller's own key (known only when answering).
    private final Map<String, String> jobFields;

    private SimulatedResponse(Action action, int status, byte[] body, Map<String, String> headers, Duration delay,
                              Reply.Delivery delivery, Map<String, String> jobFields) {
        this.action = action;
        this.status = status;
        this.body = body;
        this.headers = headers;
        this.delay = delay;
        this.delivery = delivery;
        this.jobFields = jobFields;
    }

    private static SimulatedResponse of(Action action, int status, byte[] body, Map<String, String> headers) {
        return new SimulatedResponse(action, status, body, headers, Duration.ZERO, Reply.Delivery.AT_ONCE, Map.of());
    }

    /** Answers {@code status} with {@code body} (sent as is, {@code application/json}) without acting on the request. */
    public static SimulatedResponse respond(int status, String body) {
        return of(Action.RESPOND, checkStatus(status), bytes(body), Map.of());
    }

    /** Acts on the request (creates the job, takes the message), then answers {@code status} with {@code body}. */
    public static SimulatedResponse commitThenRespond(int status, String body) {
        return of(Action.COMMIT_THEN_RESPOND, checkStatus(status), bytes(body), Map.of());
    }

    /**
     * Closes the connection without a response and without acting on the request. The close comes after the
     * whole request, body included, was read: the client wrote everything and got nothing back.
     */
    public static SimulatedResponse closeConnection() {
        return of(Action.CLOSE, 0, new byte[0], Map.of());
    }

    /** Acts on the request, then closes the connection without a response: the ambiguous create. */
    public static SimulatedResponse commitThenClose() {
        return of(Action.COMMIT_THEN_CLOSE, 0, new byte[0], Map.of());
    }

    /** The normal answer, sent after {@code delay} (real time). */
    public static SimulatedResponse delayed(Duration delay) {
        return normal().withDelay(delay);
    }

    /** The normal answer, as the simulator would give it unscripted; a base for the {@code with...} changes. */
    public static SimulatedResponse normal() {
        return of(Action.NORMAL, 0, new byte[0], Map.of());
    }

    /**
     * Answers a redirect ({@code 3xx}) to {@code location} with an empty body, without acting on the request.
     * The agent-jobs API never redirects; a client should not follow one (its POST would go elsewhere, and its
     * {@code Authorization} header with it).
     */
    public static SimulatedResponse redirect(int status, String location) {
        if (status < 300 || status > 399) {
            throw new IllegalArgumentException("a redirect status must be within [300, 399], was " + status);
        }
        Objects.requireNonNull(location, "location");
        checkHeaderValue("location", location);
        return of(Action.RESPOND, status, new byte[0], Map.of("Location", location));
    }

    /** A copy that sends one more header (ignored by the close actions). */
    public SimulatedResponse withHeader(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new SimulatedResponse(action, status, body, Map.copyOf(h), delay, delivery, jobFields);
    }

    /** A copy that waits {@code delay} (real time) before answering or closing. */
    public SimulatedResponse withDelay(Duration value) {
        Objects.requireNonNull(value, "delay");
        if (value.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + value);
        }
        return new SimulatedResponse(action, status, body, headers, value, delivery, jobFields);
    }

    /**
     * A copy that sends the status line and headers (with the full {@code Content-Length}) at once, then the body
     * {@code bytes} at a time, one piece every {@code interval} (real time, at most 10 minutes), until it is
     * complete or the client closes the connection. Ignored by the close actions.
     */
    public SimulatedResponse withBodyDrip(int bytes, Duration interval) {
        if (bytes < 1) {
            throw new IllegalArgumentException("drip bytes must be at least 1, was " + bytes);
        }
        long every = Faults.checkWait(interval, "drip interval", false).toMillis();
        return new SimulatedResponse(action, status, body, headers, delay, Reply.Delivery.drip(bytes,
                Math.max(1, every)), jobFields);
    }

    /**
     * A copy that sends the status line and headers (with the full {@code Content-Length}), then no body at all:
     * the connection stays silent until the client closes it, or until {@code closeAfter} (real time, at most 10
     * minutes) passes and the server closes it. Ignored by the close actions.
     */
    public SimulatedResponse withStallAfterHeaders(Duration closeAfter) {
        long ms = Faults.checkWait(closeAfter, "closeAfter", false).toMillis();
        return new SimulatedResponse(action, status, body, headers, delay, Reply.Delivery.stall(Math.max(1, ms)),
                jobFields);
    }

    /**
     * A copy whose job has the top-level string field {@code name} set to {@code value}, sent as given (JSON
     * escaping only): {@code withJobField("status", "queued")} answers a status the spec does not list. Applies
     * to the {@link #normal()} answer when it is a job (on an error answer there is no job to change); the job
     * the simulator keeps is not changed, only this answer.
     */
    public SimulatedResponse withJobField(String name, String value) {
        Objects.requireNonNull(value, "value");
        return withField(name, value);
    }

    /**
     * A copy whose job carries the caller's own API key (the bearer token the request was authorised with) in
     * the field {@code name}: a server echoing the key, which a client must never print or log.
     */
    public SimulatedResponse withCallerKeyIn(String name) {
        return withField(name, null);
    }

    /**
     * A copy whose job holds terminal escape sequences: {@link #CSI_CLEAR_SCREEN} in {@code id},
     * {@link #OSC_SET_TITLE} in {@code prLink} and both in {@code model}. A client printing them raw would
     * clear or retitle its user's terminal.
     */
    public SimulatedResponse withTerminalEscapes() {
        return withField("id", "job_" + CSI_CLEAR_SCREEN + "x")
                .withField("prLink", "https://github.com/o/r/pull/1" + OSC_SET_TITLE)
                .withField("model", CSI_CLEAR_SCREEN + "model" + OSC_SET_TITLE);
    }

    private SimulatedResponse withField(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("job field name must not be empty");
        }
        Map<String, String> f = new LinkedHashMap<>(jobFields);
        f.put(name, value);
        return new SimulatedResponse(action, status, body, headers, delay, delivery,
                Collections.unmodifiableMap(f));
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

    Reply.Delivery delivery() {
        return delivery;
    }

    /** Field replacements; a {@code null} value means the caller's key. */
    Map<String, String> jobFields() {
        return jobFields;
    }

    private static int checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be within [100, 599], was " + status);
        }
        return status;
    }

    private static void checkHeaderValue(String what, String value) {
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException(what + " must not hold CR, LF or NUL");
        }
    }

    private static byte[] bytes(String body) {
        return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SimulatedResponse[" + action + (status > 0 ? " " + status : "")
                + (delay.isZero() ? "" : " after " + delay)
                + (delivery.drips() ? " drip " + delivery.chunkBytes() + "B/" + delivery.intervalMs() + "ms" : "")
                + (delivery.stalls() ? " stall " + delivery.stallMs() + "ms" : "")
                + (jobFields.isEmpty() ? "" : " fields " + jobFields.keySet()) + "]";
    }
}
