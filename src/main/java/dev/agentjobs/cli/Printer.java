package dev.agentjobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.internal.JobJson;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.function.UnaryOperator;

/**
 * Writes jobs and events to standard output, one line each, flushed at once so that a pipe sees each
 * transition as it happens.
 *
 * <p>Human form: {@code job_abc  completed  https://github.com/o/r/pull/7} for a job, and
 * {@code 2026-11-29T10:00:05Z  job_abc  active -> completed  https://github.com/o/r/pull/7} for an event; a
 * status this client does not know shows with the server's value, {@code unknown (queued)}.
 * JSON form ({@code --json}): one object per line; statuses (the server's value when unknown) and kinds in
 * lowercase wire form, instants as ISO-8601 strings, absent values as {@code null}.
 *
 * <p>Every value came from a server that may be hostile: each is first scrubbed of the API key (a server that
 * echoes the bearer token must not get it printed), then, in human form, its control characters are escaped
 * ({@link TerminalText}); JSON escapes them itself, DEL and C1 included.
 */
final class Printer {

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new ControlEscapes());
    }

    private final PrintWriter out;
    private final boolean json;
    private final UnaryOperator<String> redact;

    /** A printer that prints values as they are, for tests of the layout. */
    Printer(PrintWriter out, boolean json) {
        this(out, json, UnaryOperator.identity());
    }

    /**
     * @param redact removes secrets from each value before it is printed ({@link CliContext#redact})
     */
    Printer(PrintWriter out, boolean json, UnaryOperator<String> redact) {
        this.out = out;
        this.json = json;
        this.redact = redact;
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

    String humanJob(Job job) {
        StringBuilder sb = new StringBuilder(shown(job.id())).append("  ").append(humanStatus(job));
        if (job.source() != null && job.source().repository() != null) {
            sb.append("  ").append(shown(job.source().repository()));
            if (job.source().ref() != null) {
                sb.append('@').append(shown(job.source().ref()));
            }
        }
        if (job.prLink() != null) {
            sb.append("  ").append(shown(job.prLink()));
        }
        return sb.toString();
    }

    String humanEvent(JobEvent e) {
        StringBuilder sb = new StringBuilder(e.at().truncatedTo(ChronoUnit.SECONDS).toString())
                .append("  ").append(shown(e.jobId())).append("  ");
        JobStatus previous = e.previous();
        if (e.kind() == JobEvent.Kind.CREATED) {
            sb.append("created  ").append(humanStatus(e.job()));
        } else if (previous == null || previous == e.status()) {
            sb.append(humanStatus(e.job()));
        } else {
            sb.append(previous.wireName()).append(" -> ").append(humanStatus(e.job()));
        }
        if (e.job().prLink() != null) {
            sb.append("  ").append(shown(e.job().prLink()));
        }
        return sb.toString();
    }

    /** {@code unknown (queued)} for a status this client does not know, so the user still sees what it was. */
    private String humanStatus(Job job) {
        String name = job.status().wireName();
        return job.rawStatus() == null ? name : name + " (" + TerminalText.abbreviate(shown(job.rawStatus())) + ")";
    }

    /** A server's value made fit for a terminal: the key removed, then control characters escaped. */
    private String shown(String value) {
        return value == null ? "null" : TerminalText.escape(redact.apply(value));
    }

    ObjectNode jobNode(Job job) {
        return JobJson.job(job, this::clean);
    }

    ObjectNode eventNode(JobEvent e) {
        return JobJson.event(e, this::clean);
    }

    private String clean(String value) {
        return value == null ? null : redact.apply(value);
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

    /**
     * Jackson's standard escapes (C0 controls, quote, backslash) plus every other character a terminal may act
     * on ({@link TerminalText#unsafe}): DEL, C1, line separators, bidi overrides; a {@code jq}-less
     * {@code cat} of the output must be as safe as the human form.
     */
    private static final class ControlEscapes extends CharacterEscapes {
        private final int[] table = standardAsciiEscapesForJSON();

        ControlEscapes() {
            table[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch <= Character.MAX_VALUE && TerminalText.unsafe((char) ch)
                    ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
