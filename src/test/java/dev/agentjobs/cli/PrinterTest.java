package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrinterTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:05.123Z");
    private static final String PR = "https://github.com/o/r/pull/7";

    private final StringWriter buffer = new StringWriter();

    @Test
    void event_human_showsTimeIdTransitionAndLink() {
        Job done = job(JobStatus.COMPLETED, PR);
        printer(false).event(new JobEvent(JobEvent.Kind.PR_LINKED, done, JobStatus.ACTIVE, AT));
        printer(false).event(new JobEvent(JobEvent.Kind.TERMINAL, done, JobStatus.ACTIVE, AT));
        // The link found with the terminal status is told once, on the terminal line.
        assertThat(buffer.toString().lines()).containsExactly(
                "2026-11-29T10:00:05Z  job_abc  active -> completed  " + PR);
    }

    @Test
    void event_human_createdFirstSeenAndLinkWhileActive() {
        printer(false).event(new JobEvent(JobEvent.Kind.CREATED, job(JobStatus.ACTIVE, null), null, AT));
        printer(false).event(new JobEvent(JobEvent.Kind.STATUS_CHANGED, job(JobStatus.ACTIVE, null), null, AT));
        printer(false).event(new JobEvent(JobEvent.Kind.PR_LINKED, job(JobStatus.ACTIVE, PR), JobStatus.ACTIVE, AT));
        assertThat(buffer.toString().lines()).containsExactly(
                "2026-11-29T10:00:05Z  job_abc  created  active",
                "2026-11-29T10:00:05Z  job_abc  active",
                "2026-11-29T10:00:05Z  job_abc  active  " + PR);
    }

    @Test
    void event_json_oneObjectWithLowercaseNamesAndIsoInstants() {
        printer(true).event(new JobEvent(JobEvent.Kind.TERMINAL, job(JobStatus.FAILED, null), JobStatus.ACTIVE, AT));
        JsonNode e = CliHarness.parse(buffer.toString().strip());
        assertThat(buffer.toString().lines()).hasSize(1);
        assertThat(e.get("kind").asText()).isEqualTo("terminal");
        assertThat(e.get("previous").asText()).isEqualTo("active");
        assertThat(e.get("status").asText()).isEqualTo("failed");
        assertThat(e.get("at").asText()).isEqualTo("2026-11-29T10:00:05.123Z");
        assertThat(e.get("job").get("createdAt").asText()).isEqualTo("2026-11-29T09:59:00Z");
        assertThat(e.get("job").get("archivedAt").isNull()).isTrue();
    }

    @Test
    void job_human_skipsWhatIsMissing() {
        printer(false).job(new Job("job_x", JobStatus.UNKNOWN, null, null, null, null, null));
        printer(false).job(job(JobStatus.COMPLETED, PR));
        assertThat(buffer.toString().lines()).containsExactly("job_x  unknown",
                "job_abc  completed  https://github.com/o/r@mintlify/fix  " + PR);
    }

    @Test
    void job_json_keepsAbsentValuesAsNull() {
        printer(true).job(new Job("job_x", JobStatus.ACTIVE, null, null, null, null, null));
        JsonNode j = CliHarness.parse(buffer.toString().strip());
        assertThat(j.get("source").isNull()).isTrue();
        assertThat(j.get("status").asText()).isEqualTo("active");
        assertThat(j.has("prLink")).isTrue();
    }

    private Printer printer(boolean json) {
        return new Printer(new PrintWriter(buffer), json);
    }

    private static Job job(JobStatus status, String pr) {
        return new Job("job_abc", status, new Job.Source("https://github.com/o/r", "mintlify/fix"), "m", pr,
                Instant.parse("2026-11-29T09:59:00Z"), null);
    }
}
