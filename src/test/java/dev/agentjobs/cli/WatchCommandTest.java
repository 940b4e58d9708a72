package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.PROJECT;
import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WatchCommandTest {

    private static AgentJobsSimulator sim;

    @BeforeAll
    static void start() {
        sim = CliHarness.simulator(Duration.ofMillis(600));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void watch_activeJob_printsOneLinePerTransitionAndExits0() {
        sim.putJob(PROJECT, "job_w1", JobState.ACTIVE);
        List<String> lines = run(env(sim), "watch", "--interval", "200ms", "job_w1").assertExit(0).outLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  job_w1  active");
        assertThat(lines.get(1)).matches("\\S+Z  job_w1  active -> completed  https://github\\.com/\\S+/pull/\\d+");
    }

    @Test
    void watch_archivedJob_exits1() {
        sim.putJob(PROJECT, "job_w2", JobState.ARCHIVED);
        List<String> lines = run(env(sim), "watch", "job_w2").assertExit(1).outLines();
        assertThat(lines).singleElement().asString().contains("job_w2  archived");
    }

    @Test
    void watch_unknownJob_exits3() {
        CliHarness.Result r = run(env(sim), "watch", "job_nowhere").assertExit(3);
        assertThat(r.err()).contains("404");
    }

    @Test
    void watch_deadline_exits4() {
        sim.putJob(PROJECT, "job_w3", JobState.ACTIVE);
        CliHarness.Result r = run(env(sim), "watch", "--deadline", "300ms", "--interval", "100ms", "job_w3")
                .assertExit(4);
        assertThat(r.err()).contains("deadline");
        assertThat(r.outLines()).singleElement().asString().endsWith("job_w3  active");
    }
}
