package dev.agentjobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.internal.JobJson;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;

/**
 * Writes jobs and events to standard output, one line each, flushed at once so that a pipe sees each
 * transition as it happens.
 *
 * <p>Human form: {@code job_abc  completed  https://github.com/o/r/pull/7} for a job, and
 * {@code 2026-11-29T10:00:05Z  job_abc  active -> completed  https://github.com/o/r/pull/7} for an event.
 * JSON form ({@code --json}): one object per line; statuses and kinds in lowercase wire form, instants as
 * ISO-8601 strings, absent values as {@code null}.
 */
final class Printer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final boolean json;

    Printer(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** Prints a job as the API returned it. */
    void job(Job job) {
        line(json ? write(jobNode(job)) : humanJob(job));
    }

    /** Prints one event of a watch (in human form, a link found with the terminal status shares its line). */
    void event(JobEvent event) {
        if (json) {
            line(write(eventNode(event)));
        } else if (!linkOfTerminalPoll(event)) {
            line(humanEvent(event));
        }
    }

    /**
     * Whether {@code e} is the PR link of the same poll that ended the job: the engine tells it as its own event,
     * right before {@code TERMINAL}, whose line shows the link too.
     */
    static boolean linkOfTerminalPoll(JobEvent e) {
        return e.kind() == JobEvent.Kind.PR_LINKED && e.job().isTerminal() && e.previous() != e.status();
    }

    static String humanJob(Job job) {
        StringBuilder sb = new StringBuilder(String.valueOf(job.id())).append("  ").append(job.status().wireName());
        if (job.source() != null && job.source().repository() != null) {
            sb.append("  ").append(job.source().repository());
            if (job.source().ref() != null) {
                sb.append('@').append(job.source().ref());
            }
        }
        if (job.prLink() != null) {
            sb.append("  ").append(job.prLink());
        }
        return sb.toString();
    }

    static String humanEvent(JobEvent e) {
        StringBuilder sb = new StringBuilder(e.at().truncatedTo(ChronoUnit.SECONDS).toString())
                .append("  ").append(e.jobId()).append("  ");
        JobStatus previous = e.previous();
        if (e.kind() == JobEvent.Kind.CREATED) {
            sb.append("created  ").append(e.status().wireName());
        } else if (previous == null || previous == e.status()) {
            sb.append(e.status().wireName());
        } else {
            sb.append(previous.wireName()).append(" -> ").append(e.status().wireName());
        }
        if (e.job().prLink() != null) {
            sb.append("  ").append(e.job().prLink());
        }
        return sb.toString();
    }

    static ObjectNode jobNode(Job job) {
        return JobJson.job(job);
    }

    static ObjectNode eventNode(JobEvent e) {
        return JobJson.event(e);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of strings and nulls always serialises; this would be a Jackson bug.
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private void line(String text) {
        out.println(text);
        out.flush();
    }
}
