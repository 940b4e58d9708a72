package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeedHistoryTest {

    @Test
    void holdsTheLastCapacityFrames_andReplaysExactlyWhatFollowsAnId() {
        FeedHistory h = new FeedHistory(3);
        assertThat(h.holdsAfter(0)).isTrue();
        assertThat(h.after(0)).isEmpty();
        for (long s = 1; s <= 5; s++) {
            h.add(Frame.of("e", s, "k", "{}"));
        }
        assertThat(h.holdsAfter(1)).isFalse();
        assertThat(h.holdsAfter(2)).isTrue();
        assertThat(h.after(2)).extracting(Frame::seq).containsExactly(3L, 4L, 5L);
        assertThat(h.after(5)).isEmpty();
        assertThat(h.holdsAfter(6)).isFalse();
    }

    @Test
    void refusesAGapInTheSequence() {
        FeedHistory h = new FeedHistory(3);
        assertThatThrownBy(() -> h.add(Frame.of("e", 2, "k", "{}"))).isInstanceOf(IllegalArgumentException.class);
    }
}
