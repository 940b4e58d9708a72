package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A slow subscriber's queue: bounded, and past its bound the subscriber is dropped with a final message. */
class SubscriberTest {

    private static final Frame DROPPED = Frame.notice(Frame.DROPPED, "{}");

    @Test
    void subscriberThatDoesNotRead_isDroppedWithAFinalMessage_onceItsQueueIsFull() {
        Subscriber s = new Subscriber(10, DROPPED);
        StepVerifier.create(s.frames(), 0)
                .then(() -> {
                    for (int i = 1; i <= 10; i++) {
                        assertThat(s.offer(frame(i))).isTrue();
                    }
                    assertThat(s.offer(frame(11))).isFalse();
                    assertThat(s.isDone()).isTrue();
                    assertThat(s.offer(frame(12))).isFalse();
                })
                .thenRequest(100)
                .expectNextMatches(f -> f.seq() == 1).expectNextCount(9)
                .expectNext(DROPPED)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void subscriberThatKeepsUp_getsEveryFrame_andNoDroppedMessage() {
        Subscriber s = new Subscriber(2, DROPPED);
        StepVerifier.create(s.frames())
                .then(() -> {
                    for (int i = 1; i <= 100; i++) {
                        assertThat(s.offer(frame(i))).isTrue();
                    }
                    s.complete();
                })
                .expectNextCount(100)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void cancelledSubscriber_refusesOffers_soTheHubForgetsIt() {
        Subscriber s = new Subscriber(4, DROPPED);
        s.frames().subscribe().dispose();
        assertThat(s.offer(frame(1))).isFalse();
    }

    private static Frame frame(long seq) {
        return Frame.of("e", seq, "status_changed", "{}");
    }
}
