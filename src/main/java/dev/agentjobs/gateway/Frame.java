package dev.agentjobs.gateway;

import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Events message, rendered once and shared by every subscriber it goes to (10,000 subscribers
 * of one event cost one byte array, not 10,000 strings).
 *
 * @param seq   the sequence number within its feed, or 0 for a notice that carries no {@code id:}
 * @param kind  the {@code event:} name
 * @param bytes the whole message in UTF-8, blank line included
 */
record Frame(long seq, String kind, byte[] bytes) {

    /** Kinds that are not job transitions. */
    static final String RETRYING = "retrying";
    static final String RESUMED = "resumed";
    static final String ERROR = "error";
    static final String DROPPED = "dropped";
    static final String SNAPSHOT = "snapshot";

    /** A message with an id: replayable from history. */
    static Frame of(String epoch, long seq, String kind, String json) {
        return new Frame(seq, kind, render(epoch + "-" + seq, kind, json));
    }

    /** A message without an id: a browser's last event id stays that of the event before it. */
    static Frame notice(String kind, String json) {
        return new Frame(0, kind, render(null, kind, json));
    }

    /** A comment line, which clients ignore and proxies see as traffic. */
    static Frame comment(String text) {
        return new Frame(0, "", (": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The reconnection delay hint. */
    static Frame retry(long millis) {
        return new Frame(0, "", ("retry: " + millis + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] render(String id, String kind, String json) {
        // Jackson writes JSON without raw line breaks, so one data: line holds it; the check keeps it so.
        if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("event data must be one line");
        }
        StringBuilder sb = new StringBuilder(json.length() + 48);
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(kind).append('\n').append("data: ").append(json).append("\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
