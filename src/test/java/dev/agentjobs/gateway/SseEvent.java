package dev.agentjobs.gateway;

/**
 * One message read off an event stream by the tests' client: as {@code EventSource} would dispatch it, plus a
 * pseudo message {@code http-<status>} when the response was not a stream.
 */
record SseEvent(String id, String event, String data) {

    static SseEvent status(int code) {
        return new SseEvent(null, "http-" + code, null);
    }

    long seq() {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }
}
