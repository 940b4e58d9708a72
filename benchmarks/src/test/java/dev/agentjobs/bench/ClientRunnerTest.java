package dev.agentjobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientRunnerTest {

    @Test
    void windowTooShort_refusesThreeSecondsOfAFiveSecondInterval() {
        assertThat(ClientRunner.windowTooShort(3, 5_000, 3))
                .isEqualTo("a 3.0 s window covers 0.6 intervals of 5000 ms; at least 3 are required");
    }

    @Test
    void windowTooShort_acceptsExactlyThreeIntervals() {
        assertThat(ClientRunner.windowTooShort(15, 5_000, 3)).isNull();
        assertThat(ClientRunner.windowTooShort(3, 500, 3)).isNull();
    }

    @Test
    void windowTooShort_checksNothingWithoutAMinimum() {
        assertThat(ClientRunner.windowTooShort(20, 50_000, 0)).isNull();
    }
}
