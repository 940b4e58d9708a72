package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PollOptionsTest {

    @Test
    void noFlags_keepTheDefaults_orTheQuickOnesUnderSimulate() {
        assertThat(parse().toPolicy(false).toString()).isEqualTo(PollPolicy.defaults().toString());
        PollPolicy simulated = parse().toPolicy(true);
        assertThat(simulated.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(simulated.deadline()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void flags_overrideEachSetting_andIntervalAlsoSetsTheFirstPoll() {
        PollPolicy p = parse("--interval", "2s", "--max-interval", "20s", "--multiplier", "1.5", "--jitter", "0.3",
                "--deadline", "10m", "--max-polls", "7").toPolicy(false);
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.firstPollDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.maxInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.multiplier()).isEqualTo(1.5);
        assertThat(p.jitter()).isEqualTo(0.3);
        assertThat(p.deadline()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.maxPolls()).isEqualTo(7);
        assertThat(parse("--interval", "2s", "--first-poll-delay", "9s").toPolicy(false).firstPollDelay())
                .isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void deadlineNone_removesTheDeadline_andCountsAsGiven() {
        PollOptions none = parse("--deadline", "none");
        assertThat(none.anySet()).isTrue();
        assertThat(none.toPolicy(true).deadline()).isNull();
    }

    @Test
    void targetLag_turnsAdaptivePollingOn_keepingTheOtherFlags() {
        PollOptions adaptive = parse("--target-lag", "5s", "--max-interval", "60s");
        assertThat(adaptive.anySet()).isTrue();
        assertThat(adaptive.adaptive()).isTrue();
        PollPolicy p = adaptive.toPolicy(false);
        assertThat(p.isAdaptive()).isTrue();
        assertThat(p.targetLag()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.maxInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse().toPolicy(false).isAdaptive()).isFalse();
        assertThatThrownBy(() -> parse("--target-lag", "50ms")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--target-lag").hasMessageContaining("at least 100 ms");
    }

    @Test
    void valuesThePolicyRefuses_areParseErrorsNamingTheFlag() {
        assertThatThrownBy(() -> parse("--jitter", "1.5")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--jitter").hasMessageContaining("1.5");
        assertThatThrownBy(() -> parse("--multiplier", "0.5")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--multiplier");
        assertThatThrownBy(() -> parse("--interval", "99ms")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--interval").hasMessageContaining("at least 100 ms");
        assertThatThrownBy(() -> parse("--max-polls", "3000000000"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--max-polls");
    }

    private static PollOptions parse(String... args) {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs(args);
        return holder.poll;
    }

    @CommandLine.Command(name = "holder")
    static final class Holder {
        @CommandLine.Mixin
        PollOptions poll;
    }
}
