package dev.agentjobs.poll;

import static dev.agentjobs.simulator.ScriptedJobsApi.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class LatestFanoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A fanout on its own, counting the subscribers it reports gone. */
    private static final class Fanout extends LatestFanout {
        final AtomicInteger gone = new AtomicInteger();

        @Override
        void subscriberGone() {
            gone.incrementAndGet();
        }

        Flux<JobEvent> flux() {
            return new Flux<>() {
                @Override
                public void subscribe(CoreSubscriber<? super JobEvent> actual) {
                    subscribeEvents(actual);
                }
            };
        }
    }

    private static JobEvent event(int n) {
        return new JobEvent(JobEvent.Kind.STATUS_CHANGED, job("j" + n, JobStatus.ACTIVE), null,
                Instant.ofEpochMilli(n));
    }

    private static int number(JobEvent e) {
        return (int) e.at().toEpochMilli();
    }

    @Test
    void aLateSubscriberGetsTheLatestEventFirst_thenTheNextOnes() {
        Fanout f = new Fanout();
        f.emitEvent(event(1));
        f.emitEvent(event(2));
        StepVerifier.create(f.flux().map(LatestFanoutTest::number))
                .expectNext(2)
                .then(() -> f.emitEvent(event(3)))
                .expectNext(3)
                .then(() -> f.terminateEvents(null))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(f.gone).hasValue(1);
    }

    @Test
    void demandIsHonoured_andTheEndWaitsForTheEventsBeforeIt() {
        Fanout f = new Fanout();
        StepVerifier.create(f.flux().map(LatestFanoutTest::number), 1)
                .then(() -> {
                    f.emitEvent(event(1));
                    f.emitEvent(event(2));
                    f.emitEvent(event(3));
                    f.terminateEvents(new IllegalStateException("end"));
                })
                .expectNext(1)
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(5)
                .expectNext(2, 3)
                .expectErrorMessage("end")
                .verify(TIMEOUT);
    }

    @Test
    void subscribingAfterTheEnd_getsTheLatestEventAndTheEnd() {
        Fanout f = new Fanout();
        f.emitEvent(event(7));
        f.terminateEvents(null);
        f.emitEvent(event(8));
        StepVerifier.create(f.flux().map(LatestFanoutTest::number)).expectNext(7).expectComplete().verify(TIMEOUT);
    }

    @Test
    void eachSubscriberIsReportedGoneExactlyOnce_whetherItCancelsOrEnds() {
        Fanout f = new Fanout();
        Disposable a = f.flux().subscribe();
        List<JobEvent> b = new ArrayList<>();
        f.flux().subscribe(b::add);
        a.dispose();
        a.dispose();
        assertThat(f.gone).hasValue(1);
        f.emitEvent(event(1));
        f.terminateEvents(null);
        assertThat(b).extracting(LatestFanoutTest::number).containsExactly(1);
        assertThat(f.gone).hasValue(2);
        f.flux().subscribe(new reactor.core.publisher.BaseSubscriber<JobEvent>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                cancel();
            }
        });
        assertThat(f.gone).as("cancelled while subscribing").hasValue(3);
    }

    @Test
    void concurrentSubscribersSeeOneOrder_withNoGapAndNoRepeat() throws Exception {
        Fanout f = new Fanout();
        int events = 20_000;
        int subscribers = 8;
        List<List<Integer>> seen = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(subscribers);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < subscribers; s++) {
            List<Integer> mine = java.util.Collections.synchronizedList(new ArrayList<>());
            seen.add(mine);
            int delay = s * (events / subscribers);
            threads.add(new Thread(() -> {
                try {
                    go.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // Subscribe somewhere in the middle of the emissions.
                long giveUp = System.nanoTime() + TIMEOUT.toNanos();
                while (progress.get() < delay && System.nanoTime() < giveUp) {
                    Thread.onSpinWait();
                }
                f.flux().map(LatestFanoutTest::number).subscribe(mine::add, e -> done.countDown(), done::countDown);
            }));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        go.countDown();
        for (int i = 1; i <= events; i++) {
            f.emitEvent(event(i));
            progress.set(i);
        }
        f.terminateEvents(null);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        for (List<Integer> mine : seen) {
            assertThat(mine).isNotEmpty();
            for (int k = 1; k < mine.size(); k++) {
                assertThat(mine.get(k)).as("no gap, no repeat, no reordering").isEqualTo(mine.get(k - 1) + 1);
            }
            assertThat(mine.get(mine.size() - 1)).isEqualTo(events);
        }
        assertThat(f.gone).hasValue(subscribers);
    }

    private final AtomicInteger progress = new AtomicInteger();
}
