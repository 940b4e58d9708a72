package dev.agentjobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.fanout.FanOutOptions;
import dev.agentjobs.fanout.PromptInput;
import dev.agentjobs.poll.JobWatcher;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ChecksTest {

    @Test
    void ids_areRefusedWhenNullOrBlank_namingTheArgument() {
        assertThat(Checks.requireId("jobId", "job_1")).isEqualTo("job_1");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requireId("jobId", null))
                .withMessage("jobId must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requireId("jobId", " \t"))
                .withMessage("jobId must not be empty or blank, was ' \t'");
    }

    @Test
    void prompts_needOneCharacter_whitespaceCounts() {
        assertThat(Checks.requirePrompt(" ")).isEqualTo(" ");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requirePrompt(""))
                .withMessage("prompt must hold at least one character");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requirePrompt(null))
                .withMessage("prompt must not be null");
    }

    @Test
    void durationsAndCounts_areRefusedNamingTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requirePositive("t", Duration.ZERO))
                .withMessage("t must be positive, was PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requireNonNegative("t", Duration.ofMillis(-1)))
                .withMessage("t must not be negative, was PT-0.001S");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requireWithin("n", 0, 1, Integer.MAX_VALUE))
                .withMessage("n must be at least 1, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.requireWithin("n", 65, 1, 64))
                .withMessage("n must be within [1, 64], was 65");
    }

    @Test
    void theClientTheWatcherAndTheFanOut_refuseABlankIdAndAnEmptyPromptInTheSameWords() {
        AgentJobsClient client = AgentJobsClient.builder().projectId("p").apiKey(ApiKey.of("mint_checks")).build();
        try (client; JobWatcher watcher = JobWatcher.builder(client).build()) {
            String blankId = "jobId must not be empty or blank, was ' '";
            refused(() -> client.get(" "), blankId);
            refused(() -> client.sendMessage(" ", "p"), blankId);
            refused(() -> watcher.watch(" "), blankId);
            refused(() -> watcher.followUp(" ", "p"), blankId);
            refused(() -> AgentJobsClient.builder().projectId(" "), "projectId must not be empty or blank, was ' '");
            refused(() -> FanOutOptions.builder().project(" "), "project must not be empty or blank, was ' '");
            refused(() -> new PromptInput(" ", "p"), "customId must not be empty or blank, was ' '");

            String emptyPrompt = "prompt must hold at least one character";
            refused(() -> client.create(""), emptyPrompt);
            refused(() -> client.sendMessage("j", ""), emptyPrompt);
            refused(() -> new PromptInput("row-7", ""), emptyPrompt + " (custom id 'row-7')");
        }
    }

    private static void refused(ThrowingCallable call, String message) {
        assertThatIllegalArgumentException().isThrownBy(call).withMessage(message);
    }
}
