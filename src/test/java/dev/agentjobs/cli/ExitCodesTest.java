package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.api.WatchLimitExceededException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExitCodesTest {

    @Test
    void finalJob_completedIs0_failedAndArchivedAre1() {
        assertThat(ExitCodes.forFinalJob(job(JobStatus.COMPLETED))).isEqualTo(0);
        assertThat(ExitCodes.forFinalJob(job(JobStatus.FAILED))).isEqualTo(1);
        assertThat(ExitCodes.forFinalJob(job(JobStatus.ARCHIVED))).isEqualTo(1);
        assertThat(ExitCodes.forFinalJob(job(JobStatus.ACTIVE))).isEqualTo(3);
    }

    @Test
    void errors_mapToTheirDocumentedCodes() {
        assertThat(ExitCodes.forError(new UsageException("no key"))).isEqualTo(2);
        assertThat(ExitCodes.forError(new IllegalArgumentException("prompt"))).isEqualTo(2);
        CommandLine cli = Main.commandLine(new CliContext(Map.of(), new PrintWriter(Writer.nullWriter()),
                new PrintWriter(Writer.nullWriter()), action -> { }));
        assertThat(ExitCodes.forError(new CommandLine.ParameterException(cli, "x"))).isEqualTo(2);
        assertThat(ExitCodes.forError(new AccessDeniedException("401", null, 401, null))).isEqualTo(3);
        assertThat(ExitCodes.forError(new JobNotFoundException("404", "j", null))).isEqualTo(3);
        assertThat(ExitCodes.forError(new TransportException("reset", null, null))).isEqualTo(3);
        assertThat(ExitCodes.forError(new WatchLimitExceededException(WatchLimitExceededException.Limit.DEADLINE, "j", "late"))).isEqualTo(4);
        assertThat(ExitCodes.forError(new WatchLimitExceededException(WatchLimitExceededException.Limit.MAX_POLLS, "j", "cap"))).isEqualTo(4);
        assertThat(ExitCodes.forError(new OutcomeUnknownException("?", null, null))).isEqualTo(5);
        assertThat(ExitCodes.forError(new IllegalStateException("bug"))).isEqualTo(3);
        assertThat(ExitCodes.forError(new CallWait.Interrupted())).isEqualTo(130);
    }

    private static Job job(JobStatus status) {
        return new Job("j", status, null, null, null, null, null);
    }
}
