package dev.agentjobs.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the text/event-stream format as the WHATWG standard says, from chunks cut anywhere: fields of a
 * message until a blank line; comment lines ignored; a message without data is not dispatched. Test-only, so
 * the tests check the wire format independently of the gateway's writer.
 */
final class SseParser {

    private final StringBuilder pending = new StringBuilder();
    private String id;
    private String event;
    private StringBuilder data;
    private final List<String> comments = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();

    /** Feeds a chunk; returns the messages it completed. */
    List<SseEvent> feed(String chunk) {
        pending.append(chunk);
        List<SseEvent> out = new ArrayList<>();
        int nl;
        while ((nl = pending.indexOf("\n")) >= 0) {
            String line = pending.substring(0, nl);
            pending.delete(0, nl + 1);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                if (data != null) {
                    out.add(new SseEvent(id, event == null ? "message" : event, data.toString()));
                }
                event = null;
                data = null;
                id = null;
                continue;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).strip());
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> retries.add(Long.parseLong(value));
                default -> { }
            }
        }
        return out;
    }

    List<String> comments() {
        return comments;
    }

    List<Long> retries() {
        return retries;
    }
}
