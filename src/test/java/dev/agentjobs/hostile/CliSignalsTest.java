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
 * Ctrl-C or SIGTERM: the JVM runs the command's shutdown hook, called here directly. It prints one line that
 * tells the user what may exist on the server and how to resume, and the command exits 130.
 */
class CliSignalsTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final AgentJobsSimulator sim = CliHarness.simulator(Duration.ofMinutes(10));

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void interruptWhileTheCreateIsInFlight_saysAJobMayExist_exits130() throws Exception {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.delayed(Duration.ofMinutes(2)));
        CliHarness.Running running = invocation(env(sim)).start("run", "Fix it");
        Runnable hook = running.shutdownHook(BOUND);
        assertThat(sim.takeRequest(BOUND).callKind()).isEqualTo(CallKind.CREATE);
        hook.run();
        CliHarness.Result r = running.await(BOUND).assertExit(130);
        assertThat(r.err()).contains("interrupted").contains("create may have been sent");
    }

    @Test
    void interruptWhileWatching_namesTheJobAndHowToResume_exits130() throws Exception {
        CliHarness.Running running = invocation(env(sim)).start("run", "--interval", "100ms", "Fix it");
        running.awaitOut(out -> out.contains("created"), BOUND);
        running.shutdownHook(BOUND).run();
        CliHarness.Result r = running.await(BOUND).assertExit(130);
        String id = r.outLines().get(0).split("  ")[1];
        assertThat(r.err()).contains("interrupted").contains("agentjobs watch " + id);
    }

    @Test
    void interruptWhileAMessageIsInFlight_saysItMayHaveBeenSent_exits130() throws Exception {
        String id = invocation(env(sim)).run("create", "--json", "x").assertExit(0).json().get("id").asText();
        sim.takeRequest(BOUND);
        sim.enqueue(CallKind.MESSAGE, SimulatedResponse.delayed(Duration.ofMinutes(2)));
        CliHarness.Running running = invocation(env(sim)).start("message", id, "More");
        Runnable hook = running.shutdownHook(BOUND);
        assertThat(sim.takeRequest(BOUND).callKind()).isEqualTo(CallKind.MESSAGE);
        hook.run();
        CliHarness.Result r = running.await(BOUND).assertExit(130);
        assertThat(r.err()).contains("message to job " + id + " may have been sent").contains("agentjobs watch " + id);
    }

    @Test
    void hookAfterANormalEnd_printsNothing() throws Exception {
        // The JVM runs the hook at every exit, System.exit included: after a clean end it must stay silent.
        CliHarness.Running running = invocation(env(sim)).start("create", "x");
        Runnable hook = running.shutdownHook(BOUND);
        CliHarness.Result r = running.await(BOUND).assertExit(0);
        hook.run();
        assertThat(r.err()).isEmpty();
        assertThat(running.await(BOUND).err()).isEmpty();
    }
}
