package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.PROJECT;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.internal.DurationText;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Durations and poll settings from a careless user (issue 9, items 2 and 3): every spelling meets the same
 * floor and cap, in the command line and in {@link PollPolicy}, and a bad value is exit 2 with nothing sent.
 */
class PollInputValidationTest {

    private static final Map<String, String> NO_ENV = Map.of();
    private static final String HUGE_ISO = "PT9223372036854775807S";

    private AgentJobsSimulator sim;

    @BeforeEach
    void startSimulator() {
        sim = CliHarness.simulator(Duration.ofSeconds(1));
    }

    @AfterEach
    void stopSimulator() {
        sim.close();
    }

    @Test
    void run_withAnOverflowingIsoDeadline_exits2BeforeTheCreate_underSimulate() {
        CliHarness.Result r = run(NO_ENV, "run", "hi", "--deadline", HUGE_ISO, "--simulate").assertExit(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--deadline").contains(HUGE_ISO).contains("ten years");
    }

    @Test
    void run_withAnOverflowingIsoDeadline_exits2AndTheServerSeesNoCreate() {
        run(CliHarness.env(sim), "run", "hi", "--deadline", HUGE_ISO).assertExit(2);
        assertThat(sim.stats().creates()).isZero();
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void watch_withASubMillisecondIsoInterval_exits2AndSendsNoGet() {
        sim.putJob(PROJECT, "job_v1", JobState.ACTIVE);
        CliHarness.Result r = run(CliHarness.env(sim), "watch", "job_v1", "--interval", "PT0.0001S").assertExit(2);
        assertThat(r.err()).contains("--interval").contains("PT0.0001S").contains("shorter than 1 ms");
        assertThat(sim.stats().requests()).isZero();
        run(NO_ENV, "watch", "job_v1", "--interval", "PT0.0001S", "--simulate").assertExit(2);
    }

    @Test
    void intervalsBelowTheFloor_areRefusedInBothSpellings_namingTheFlag() {
        for (List<String> flagAndValue : List.of(List.of("--interval", "99ms"), List.of("--interval", "PT0.099S"),
                List.of("--max-interval", "50ms"), List.of("--max-interval", "PT0.05S"))) {
            CliHarness.Result r = run(NO_ENV, "watch", "job_x", flagAndValue.get(0), flagAndValue.get(1),
                    "--simulate").assertExit(2);
            assertThat(r.err()).as("%s", flagAndValue).contains(flagAndValue.get(0)).contains("at least 100 ms");
        }
    }

    @Test
    void everySpelling_meetsTheSameFloorAndCap() {
        DurationConverter converter = new DurationConverter();
        for (String bad : List.of("0.0001s", "PT0.0001S", "0.5ms", "PT0.0005S", "0.0000000001s", "PT0.000000001S",
                "3651d", "P3651D", "99999999999999999999s", HUGE_ISO, "PT-1S", "0ms", "PT0S")) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("'" + bad + "'");
        }
        assertThat(converter.convert("1ms")).isEqualTo(converter.convert("PT0.001S")).isEqualTo(Duration.ofMillis(1));
        assertThat(converter.convert("3650d")).isEqualTo(converter.convert("P3650D")).isEqualTo(DurationText.MAX);
        assertThat(converter.convert("1.5ms")).isEqualTo(converter.convert("PT0.0015S")).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void durationText_refusesWhatWouldRoundToZero_butKeepsZeroForSimulatorSpecs() {
        assertThatIllegalArgumentException().isThrownBy(() -> DurationText.parse("0.0000000001s", "job duration"))
                .withMessageContaining("'0.0000000001s'").withMessageContaining("shorter than 1 ms");
        assertThatIllegalArgumentException().isThrownBy(() -> DurationText.parse("3651d", "window"))
                .withMessageContaining("ten years");
        assertThat(DurationText.parse("0s", "job duration")).isZero();
    }

    @Test
    void pollPolicy_refusesEveryDurationOutOfBounds_namingTheValue() {
        PollPolicy p = PollPolicy.defaults();
        Duration subMilli = Duration.ofNanos(100_000);
        Duration tooLong = PollPolicy.MAX_DURATION.plusMillis(1);
        Map<String, Function<Duration, PollPolicy>> setters = Map.of(
                "firstPollDelay", p::firstPollDelay, "interval", p::interval, "maxInterval", p::maxInterval,
                "spread", p::spread, "deadline", p::deadline, "maxRetryAfter", p::maxRetryAfter,
                "maxErrorBackoff", p::maxErrorBackoff, "followUpGrace", p::followUpGrace);
        setters.forEach((name, setter) -> {
            assertThatIllegalArgumentException().as(name).isThrownBy(() -> setter.apply(subMilli))
                    .withMessageContaining(name).withMessageContaining(subMilli.toString());
            assertThatIllegalArgumentException().as(name).isThrownBy(() -> setter.apply(tooLong))
                    .withMessageContaining(name).withMessageContaining(tooLong.toString());
            assertThat(setter.apply(PollPolicy.MAX_DURATION)).as(name).isNotNull();
        });
        for (Function<Duration, PollPolicy> spacing : List.<Function<Duration, PollPolicy>>of(p::interval,
                p::maxInterval, p::maxErrorBackoff)) {
            assertThatIllegalArgumentException().isThrownBy(() -> spacing.apply(Duration.ofMillis(99)))
                    .withMessageContaining("at least 100 ms");
            assertThat(spacing.apply(PollPolicy.MIN_INTERVAL)).isNotNull();
        }
        assertThatIllegalArgumentException().isThrownBy(() -> p.maxPolls(Integer.MAX_VALUE + 1L))
                .withMessageContaining(String.valueOf(Integer.MAX_VALUE + 1L));
        assertThat(p.firstPollDelay(Duration.ZERO).spread(Duration.ZERO).followUpGrace(Duration.ZERO)
                .maxRetryAfter(Duration.ZERO).maxPolls(Integer.MAX_VALUE)).isNotNull();
    }
}
