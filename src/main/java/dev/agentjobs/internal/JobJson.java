package dev.agentjobs.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import java.time.Instant;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The JSON form of jobs and events that the command line's {@code --json} prints and the gateway's event streams
 * carry, kept in one place so the two can never drift: statuses and kinds in lowercase wire form, instants as
 * ISO-8601 strings, absent values as {@code null}; a status this client does not know keeps the server's value.
 * Each text that came from the server passes through a {@code clean} function first (the command line removes
 * the keys it used). Internal, not exported.
 */
public final class JobJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobJson() {
    }

    /** A job as the API returned it. */
    public static ObjectNode job(Job job) {
        return job(job, UnaryOperator.identity());
    }

    /** A job as the API returned it, each server text passed through {@code clean} (which keeps null). */
    public static ObjectNode job(Job job, UnaryOperator<String> clean) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", clean.apply(job.id()));
        n.put("status", clean.apply(job.statusText()));
        if (job.source() == null) {
            n.putNull("source");
        } else {
            ObjectNode source = n.putObject("source");
            source.put("repository", clean.apply(job.source().repository()));
            source.put("ref", clean.apply(job.source().ref()));
        }
        n.put("model", clean.apply(job.model()));
        n.put("prLink", clean.apply(job.prLink()));
        n.put("createdAt", iso(job.createdAt()));
        n.put("archivedAt", iso(job.archivedAt()));
        return n;
    }

    /** One event of a watch: kind, job id, previous and current status, when it was seen, and the job. */
    public static ObjectNode event(JobEvent e) {
        return event(e, UnaryOperator.identity());
    }

    /** One event of a watch, each server text passed through {@code clean} (which keeps null). */
    public static ObjectNode event(JobEvent e, UnaryOperator<String> clean) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", kind(e.kind()));
        n.put("jobId", clean.apply(e.jobId()));
        n.put("previous", e.previous() == null ? null : e.previous().wireName());
        n.put("status", clean.apply(e.job().statusText()));
        n.put("at", iso(e.at()));
        n.set("job", job(e.job(), clean));
        return n;
    }

    /** An event kind in wire form, for example {@code status_changed}. */
    public static String kind(JobEvent.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
