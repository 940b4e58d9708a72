package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class InFlightLimiterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void holdsExtraRequestsUntilASlotFrees_inOrder() {
        InFlightLimiter limiter = new InFlightLimiter(2);
        List<Sinks.One<String>> gates = new ArrayList<>();
        List<String> started = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Sinks.One<String> gate = Sinks.one();
            gates.add(gate);
            String name = "r" + i;
            limiter.limit(Mono.defer(() -> {
                started.add(name);
                return gate.asMono();
            })).subscribe(results::add);
        }
        assertThat(started).containsExactly("r0", "r1");
        assertThat(limiter.inFlight()).isEqualTo(2);
        assertThat(limiter.waiting()).isEqualTo(2);

        gates.get(1).tryEmitValue("one");
        assertThat(started).containsExactly("r0", "r1", "r2");
        gates.get(0).tryEmitValue("zero");
        assertThat(started).containsExactly("r0", "r1", "r2", "r3");
        gates.get(2).tryEmitValue("two");
        gates.get(3).tryEmitValue("three");
        assertThat(results).containsExactly("one", "zero", "two", "three");
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void aCancelledWaiterLeavesTheQueueAndTakesNoPermit() {
        InFlightLimiter limiter = new InFlightLimiter(1);
        Sinks.One<String> gate = Sinks.one();
        limiter.limit(gate.asMono()).subscribe();
        AtomicInteger secondStarted = new AtomicInteger();
        Disposable waiter = limiter.limit(Mono.fromRunnable(secondStarted::incrementAndGet)).subscribe();
        assertThat(limiter.waiting()).isEqualTo(1);

        waiter.dispose();
        assertThat(limiter.waiting()).isZero();
        gate.tryEmitValue("done");
        assertThat(secondStarted).hasValue(0);
        assertThat(limiter.inFlight()).isZero();
        StepVerifier.create(limiter.limit(Mono.just("next"))).expectNext("next").expectComplete().verify(TIMEOUT);
    }

    @Test
    void aCancelledRunningRequestReleasesExactlyOnce() {
        InFlightLimiter limiter = new InFlightLimiter(1);
        Disposable running = limiter.limit(Mono.never()).subscribe();
        AtomicInteger started = new AtomicInteger();
        limiter.limit(Mono.defer(() -> {
            started.incrementAndGet();
            return Mono.never();
        })).subscribe();
        running.dispose();
        running.dispose();
        assertThat(started).hasValue(1);
        assertThat(limiter.inFlight()).isEqualTo(1);
    }

    @Test
    void errorsReleaseTheirPermit() {
        InFlightLimiter limiter = new InFlightLimiter(1);
        for (int i = 0; i < 3; i++) {
            StepVerifier.create(limiter.limit(Mono.error(new IllegalStateException("x"))))
                    .expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
        }
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void synchronousCompletionsDrainALongQueueWithoutRecursion() {
        InFlightLimiter limiter = new InFlightLimiter(1);
        Sinks.One<Integer> gate = Sinks.one();
        limiter.limit(gate.asMono()).subscribe();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 50_000; i++) {
            limiter.limit(Mono.just(i)).subscribe(v -> done.incrementAndGet());
        }
        gate.tryEmitValue(-1);
        assertThat(done).hasValue(50_000);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void cancelRacingGrantNeverLeaksOrDoublesPermits() throws InterruptedException {
        InFlightLimiter limiter = new InFlightLimiter(4);
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger current = new AtomicInteger();
        int n = 20_000;
        CountDownLatch finished = new CountDownLatch(n);
        Flux.range(0, n)
                .parallel(2).runOn(Schedulers.parallel())
                .subscribe(i -> {
                    Disposable d = limiter.limit(Mono.fromCallable(() -> {
                                int c = current.incrementAndGet();
                                maxSeen.accumulateAndGet(c, Math::max);
                                return c;
                            })
                            .delayElement(Duration.ofNanos(i % 3 == 0 ? 1000 : 1), Schedulers.parallel())
                            // Not doFinally: it runs after the signal went downstream, where the permit
                            // is already handed to the next request, and would count one too many.
                            .doOnTerminate(current::decrementAndGet)
                            .doOnCancel(current::decrementAndGet))
                            .doFinally(s -> finished.countDown())
                            .subscribe();
                    if (i % 2 == 0) {
                        d.dispose();
                    }
                });
        assertThat(finished.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(maxSeen.get()).isLessThanOrEqualTo(4);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.waiting()).isZero();
    }

    @Test
    void rejectsANonPositiveBound() {
        assertThatThrownBy(() -> new InFlightLimiter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 0");
    }
}
