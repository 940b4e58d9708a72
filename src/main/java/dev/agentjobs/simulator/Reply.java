package dev.agentjobs.simulator;

import java.util.Map;

/**
 * What the HTTP front sends for one request, decided by {@link SimulatorEngine} without touching Netty.
 *
 * @param close    close the connection instead of answering
 * @param delayMs  real-time delay before answering or closing
 * @param delivery how the body goes out once the status line and headers are sent
 */
record Reply(int status, byte[] body, Map<String, String> headers, boolean close, long delayMs,
             Delivery delivery) {

    /**
     * How a body leaves the server: at once, dripped ({@code chunkBytes} every {@code intervalMs}), or not at
     * all (headers, then silence until the client closes or {@code stallMs} pass and the server closes).
     */
    record Delivery(int chunkBytes, long intervalMs, long stallMs) {
        static final Delivery AT_ONCE = new Delivery(0, 0, 0);

        static Delivery drip(int chunkBytes, long intervalMs) {
            return new Delivery(chunkBytes, intervalMs, 0);
        }

        static Delivery stall(long stallMs) {
            return new Delivery(0, 0, stallMs);
        }

        boolean drips() {
            return chunkBytes > 0;
        }

        boolean stalls() {
            return stallMs > 0;
        }
    }

    static Reply json(int status, byte[] body) {
        return new Reply(status, body, Map.of(), false, 0, Delivery.AT_ONCE);
    }

    static Reply error(int status, String message) {
        return json(status, JsonBodies.error(message));
    }

    static Reply closeConnection() {
        return new Reply(0, new byte[0], Map.of(), true, 0, Delivery.AT_ONCE);
    }

    boolean isSuccess() {
        return !close && status >= 200 && status < 300;
    }

    Reply withHeader(String name, String value) {
        return new Reply(status, body, Map.of(name, value), close, delayMs, delivery);
    }

    Reply withDelay(long millis) {
        return new Reply(status, body, headers, close, millis, delivery);
    }

    Reply withBody(byte[] value) {
        return new Reply(status, value, headers, close, delayMs, delivery);
    }

    Reply withDelivery(Delivery value) {
        return new Reply(status, body, headers, close, delayMs, value);
    }
}
