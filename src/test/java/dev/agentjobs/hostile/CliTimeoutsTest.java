package dev.agentjobs.hostile;

import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.invocation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.cli.CliHarness;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.SimulatedResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No CLI path waits without a bound: a server that takes a call and never answers ends the command promptly,
 * and a create or message cut that way is "outcome unknown" (exit 5), since the server had it.
 */
class CliTimeoutsTest {

    /** Longer than any bound under test, shorter than the client's own 30 s response timeout would matter. */
    private static final SimulatedResponse NEVER = SimulatedResponse.delayed(Duration.ofMinutes(2));
    /** A command that passes this has waited for something other than its own bound. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private final AgentJobsSimulator sim = CliHarness.simulator(Duration.ofMinutes(10));

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void run_deadlineCoversTheCreate_silentServerEndsWithOutcomeUnknown() throws Exception {
        sim.enqueue(CallKind.CREATE, NEVER);
        CliHarness.Result r = invocation(env(sim)).start("run", "--deadline", "1s", "Fix it").await(PROMPTLY)
                .assertExit(5);
        assertThat(r.err()).contains("may have been sent");
        assertThat(r.out()).isEmpty();
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void run_createAnsweredThenDeadline_exits4NamingTheJob() throws Exception {
        CliHarness.Result r = invocation(env(sim)).start("run", "--deadline", "1s", "--interval", "200ms", "x")
                .await(PROMPTLY).assertExit(4);
        assertThat(r.err()).contains("deadline").contains("job_");
        assertThat(r.outLines()).hasSize(1);
    }

    @Test
    void create_callLimitCutsASilentCreate_exits5() throws Exception {
        sim.enqueue(CallKind.CREATE, NEVER);
        CliHarness.Result r = invocation(env(sim)).callLimit(Duration.ofSeconds(1)).start("create", "Fix it")
                .await(PROMPTLY).assertExit(5);
        assertThat(r.err()).contains("may have been sent");
    }

    @Test
    void message_callLimitCutsASilentMessage_exits5() throws Exception {
        String id = invocation(env(sim)).run("create", "--json", "x").assertExit(0).json().get("id").asText();
        sim.enqueue(CallKind.MESSAGE, NEVER);
        CliHarness.Result r = invocation(env(sim)).callLimit(Duration.ofSeconds(1)).start("message", id, "more")
                .await(PROMPTLY).assertExit(5);
        assertThat(r.err()).contains("may have been sent").contains(id);
    }

    @Test
    void messageWait_deadlineCoversTheMessage_exits5() throws Exception {
        String id = invocation(env(sim)).run("create", "--json", "x").assertExit(0).json().get("id").asText();
        sim.enqueue(CallKind.MESSAGE, NEVER);
        CliHarness.Result r = invocation(env(sim)).start("message", id, "more", "--wait", "--deadline", "1s")
                .await(PROMPTLY).assertExit(5);
        assertThat(r.err()).contains("may have been sent");
    }

    @Test
    void get_callLimitCutsASilentGet_exits3() throws Exception {
        sim.enqueue(CallKind.GET, NEVER);
        CliHarness.Result r = invocation(env(sim)).callLimit(Duration.ofSeconds(1)).start("get", "job_1")
                .await(PROMPTLY).assertExit(3);
        assertThat(r.err()).contains("no answer within 1s");
    }

    @Test
    void watch_deadlineCoversAGetThatNeverAnswers_exits4() throws Exception {
        sim.enqueue(CallKind.GET, NEVER);
        CliHarness.Result r = invocation(env(sim)).start("watch", "job_1", "--deadline", "1s").await(PROMPTLY)
                .assertExit(4);
        assertThat(r.err()).contains("deadline");
    }
}
