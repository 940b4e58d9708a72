package dev.agentjobs.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON form of jobs and events that the command line's {@code --json} prints and the gateway's event streams
 * carry, kept in one place so the two can never drift: statuses and kinds in lowercase wire form, instants as
 * ISO-8601 strings, absent values as {@code null}. Internal, not exported.
 */
public final class JobJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobJson() {
    }

    /** A job as the API returned it. */
    public static ObjectNode job(Job job) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", job.id());
        n.put("status", job.status().wireName());
        if (job.source() == null) {
            n.putNull("source");
        } else {
            ObjectNode source = n.putObject("source");
            source.put("repository", job.source().repository());
            source.put("ref", job.source().ref());
        }
        n.put("model", job.model());
        n.put("prLink", job.prLink());
        n.put("createdAt", iso(job.createdAt()));
        n.put("archivedAt", iso(job.archivedAt()));
        return n;
    }

    /** One event of a watch: kind, job id, previous and current status, when it was seen, and the job. */
    public static ObjectNode event(JobEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", kind(e.kind()));
        n.put("jobId", e.jobId());
        n.put("previous", e.previous() == null ? null : e.previous().wireName());
        n.put("status", e.status().wireName());
        n.put("at", iso(e.at()));
        n.set("job", job(e.job()));
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
