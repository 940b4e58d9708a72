package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.MalformedResponseException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.api.UnexpectedResponseException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    private static final String KEY = "mint_sk_test_0123456789";
    private final ErrorMapper mapper = new ErrorMapper(ApiKey.of(KEY), Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void mapsEachStatusToItsType() {
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 400, null, null)).isInstanceOf(InvalidRequestException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 401, null, null)).isInstanceOf(AccessDeniedException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 403, null, null)).isInstanceOf(AccessDeniedException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 404, null, null)).isInstanceOf(JobNotFoundException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 429, null, null)).isInstanceOf(RateLimitedException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 500, null, null)).isInstanceOf(ServerErrorException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 503, null, null)).isInstanceOf(ServerErrorException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 302, null, null))
                .isInstanceOf(UnexpectedResponseException.class);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 418, null, null))
                .isInstanceOf(UnexpectedResponseException.class);
    }

    @Test
    void redirect_namesItsLocation_safeToPrint() {
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 302, null, null, "https://u:p@h.example/a?b#c"))
                .hasMessage("GET job 'j': HTTP 302: redirect to 'https://h.example/a?b#c', not followed");
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 302, null, null, "//user@h.example/a@b"))
                .hasMessageContaining("'//h.example/a@b'");
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 302, "moved", null, "/a\u001b]0;t\u0007\u202eb"))
                .hasMessage("GET job 'j': HTTP 302: redirect to '/a?]0;t??b', not followed: moved");
        String cut = mapper.fromStatus(ApiCall.GET, "j", 302, null, null, "/" + "y".repeat(1000)).getMessage();
        assertThat(cut).contains("/" + "y".repeat(150)).contains("...'").hasSizeLessThan(300);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 302, null, null, "/?" + KEY))
                .hasMessageNotContaining(KEY);
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 302, null, null, null))
                .as("no Location, nothing to name").hasMessage("GET job 'j': HTTP 302");
    }

    @Test
    void messageIsOneLineNamingCallJobStatusAndServerText() {
        AgentJobsException e = mapper.fromStatus(ApiCall.GET, "abc", 404, "job not found", null);
        assertThat(e).hasMessage("GET job 'abc': HTTP 404: job not found");
        assertThat(e.jobId()).contains("abc");
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.serverMessage()).contains("job not found");
        assertThat(mapper.fromStatus(ApiCall.CREATE, null, 400, "prompt is required", null))
                .hasMessage("POST job: HTTP 400: prompt is required");
        assertThat(mapper.fromStatus(ApiCall.MESSAGE, "x", 403, null, null))
                .hasMessage("POST message to job 'x': HTTP 403");
    }

    @Test
    void carriesRetryAfterFor429And503() {
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 429, null, Duration.ofSeconds(7)).retryAfter())
                .contains(Duration.ofSeconds(7));
        assertThat(mapper.fromStatus(ApiCall.GET, "j", 503, null, Duration.ofSeconds(3)).retryAfter())
                .contains(Duration.ofSeconds(3));
    }

    @Test
    void redactsTheKeyFromServerText() {
        AgentJobsException e = mapper.fromStatus(ApiCall.GET, "j", 401, "bad token Bearer " + KEY, null);
        assertThat(e.getMessage()).doesNotContain(KEY).contains("[REDACTED]");
        assertThat(e.serverMessage().orElseThrow()).doesNotContain(KEY);
        AgentJobsException t = mapper.fromFailure(ApiCall.GET, "j", new IOException("echo " + KEY), false);
        assertThat(t.getMessage()).doesNotContain(KEY);
    }

    @Test
    void postFailuresThatMayHaveReachedTheServerAreOutcomeUnknown() {
        AgentJobsException e5xx = mapper.fromStatus(ApiCall.CREATE, null, 502, "bad gateway", null);
        assertThat(e5xx).isInstanceOf(OutcomeUnknownException.class)
                .hasCauseInstanceOf(ServerErrorException.class);
        assertThat(e5xx.httpStatus()).isEqualTo(502);

        assertThat(mapper.malformed(ApiCall.MESSAGE, "j", 200, "not JSON", null))
                .isInstanceOf(OutcomeUnknownException.class).hasCauseInstanceOf(MalformedResponseException.class);
        assertThat(mapper.fromFailure(ApiCall.CREATE, null, ReadTimeoutException.INSTANCE, true))
                .isInstanceOf(OutcomeUnknownException.class).hasCauseInstanceOf(TransportException.class)
                .hasMessageContaining("no response within PT30S");
    }

    @Test
    void postFailuresProvedUnsentAndClientErrorsStayTyped() {
        assertThat(mapper.fromFailure(ApiCall.CREATE, null, new ConnectException("Connection refused"), false))
                .isExactlyInstanceOf(TransportException.class).hasMessage("POST job: cannot connect: Connection refused");
        assertThat(mapper.fromStatus(ApiCall.CREATE, null, 429, null, null)).isExactlyInstanceOf(RateLimitedException.class);
        assertThat(mapper.fromStatus(ApiCall.MESSAGE, "j", 404, null, null)).isExactlyInstanceOf(JobNotFoundException.class);
    }

    @Test
    void getFailuresAreNeverOutcomeUnknown() {
        assertThat(mapper.fromFailure(ApiCall.GET, "j", ReadTimeoutException.INSTANCE, true))
                .isExactlyInstanceOf(TransportException.class);
        assertThat(mapper.malformed(ApiCall.GET, "j", 200, "x", null))
                .isExactlyInstanceOf(MalformedResponseException.class);
    }

    @Test
    void passesTypedErrorsThrough() {
        AgentJobsException typed = mapper.fromStatus(ApiCall.GET, "j", 404, null, null);
        assertThat(mapper.fromFailure(ApiCall.GET, "j", typed, true)).isSameAs(typed);
    }
}
