package dev.agentjobs.simulator;

import java.util.List;
import java.util.Map;

/**
 * One request as it reached the simulator, for assertions about what a client put on the wire. The
 * {@code Authorization} header is never recorded.
 *
 * <pre>{@code
 * RecordedRequest r = sim.takeRequest(Duration.ofSeconds(1));
 * assertThat(r.callKind()).isEqualTo(CallKind.GET);
 * assertThat(r.pathParams()).containsEntry("id", "a/b c");
 * }</pre>
 *
 * @param method     the HTTP method
 * @param rawPath    the request target as sent, percent-encoding and query included
 * @param callKind   the API call it routed to, or {@code null} for unknown paths, wrong methods and stats
 * @param pathParams the percent-decoded {@code projectId} and {@code id}, when the path has them
 * @param body       the body as UTF-8 text, empty when none
 * @param headers    the headers by lower-case name, without {@code Authorization}
 */
public record RecordedRequest(String method, String rawPath, CallKind callKind, Map<String, String> pathParams,
                              String body, Map<String, List<String>> headers) {

    public RecordedRequest {
        pathParams = Map.copyOf(pathParams);
        headers = Map.copyOf(headers);
    }

    /** The first value of header {@code name} (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
