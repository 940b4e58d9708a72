package dev.agentjobs.simulator;

import java.util.Map;

/**
 * What the HTTP front sends for one request, decided by {@link SimulatorEngine} without touching Netty.
 *
 * @param close   close the connection instead of answering
 * @param delayMs real-time delay before answering or closing
 */
record Reply(int status, byte[] body, Map<String, String> headers, boolean close, long delayMs) {

    static Reply json(int status, byte[] body) {
        return new Reply(status, body, Map.of(), false, 0);
    }

    static Reply error(int status, String message) {
        return json(status, JsonBodies.error(message));
    }

    static Reply closeConnection() {
        return new Reply(0, new byte[0], Map.of(), true, 0);
    }

    boolean isSuccess() {
        return !close && status >= 200 && status < 300;
    }

    Reply withHeader(String name, String value) {
        return new Reply(status, body, Map.of(name, value), close, delayMs);
    }

    Reply withDelay(long millis) {
        return new Reply(status, body, headers, close, millis);
    }
}
