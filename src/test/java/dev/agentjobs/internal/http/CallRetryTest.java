package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.MalformedResponseException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class CallRetryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final CallRetryPolicy NO_JITTER = CallRetryPolicy.exponential(4, Duration.ofMillis(250))
            .multiplier(2).maxBackoff(Duration.ofSeconds(10)).jitter(0).maxRetryAfter(Duration.ofSeconds(60));

    private final List<String> retries = new ArrayList<>();
    private final AgentJobsListener listener = new AgentJobsListener() {
        @Override
        public void retryScheduled(ApiCall call, String jobId, int attempt, Duration delay, Throwable cause) {
            retries.add(call + " " + jobId + " #" + attempt + " after " + delay);
        }
    };

    private static TransportException transport() {
        return new TransportException("t", "j", null);
    }

    private static ServerErrorException server(Duration retryAfter) {
        return new ServerErrorException("s", "j", 503, null, retryAfter);
    }

    private static RateLimitedException rateLimited(Duration retryAfter) {
        return new RateLimitedException("r", "j", null, retryAfter);
    }

    /** A call whose attempts fail with the given errors in turn and then succeed with "ok". */
    private static Mono<String> failing(AtomicInteger attempts, Throwable... errors) {
        Iterator<Throwable> it = List.of(errors).iterator();
        return Mono.defer(() -> {
            attempts.incrementAndGet();
            return it.hasNext() ? Mono.error(it.next()) : Mono.just("ok");
        });
    }

    @Test
    void get_backsOffExponentiallyOnTheInjectedScheduler() {
        AtomicInteger attempts = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> {
                    VirtualTimeScheduler vts = VirtualTimeScheduler.get();
                    return failing(attempts, transport(), server(null), new MalformedResponseException("m", "j", 200, null))
                            .retryWhen(retry(ApiCall.GET, "j", vts));
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(250 + 500 + 1000 - 1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(attempts).hasValue(4);
        assertThat(retries).containsExactly("GET j #2 after PT0.25S", "GET j #3 after PT0.5S", "GET j #4 after PT1S");
    }

    @Test
    void get_endsWithTheLastErrorWhenAttemptsAreSpent() {
        AtomicInteger attempts = new AtomicInteger();
        TransportException last = transport();
        StepVerifier.withVirtualTime(() -> failing(attempts, transport(), transport(), transport(), last)
                        .retryWhen(retry(ApiCall.GET, "j", VirtualTimeScheduler.get())))
                .thenAwait(Duration.ofSeconds(5))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(last))
                .verify(TIMEOUT);
        assertThat(attempts).hasValue(4);
    }

    @Test
    void retryAfterTakesPrecedenceOverBackoff() {
        AtomicInteger attempts = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> failing(attempts, rateLimited(Duration.ofSeconds(30)),
                        server(Duration.ofSeconds(2)))
                        .retryWhen(retry(ApiCall.GET, "j", VirtualTimeScheduler.get())))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(32).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .expectComplete().verify(TIMEOUT);
        assertThat(retries).containsExactly("GET j #2 after PT30S", "GET j #3 after PT2S");
    }

    @Test
    void retryAfterAboveTheMaximum_isCutToTheMaximum_notAReasonToFail() {
        AtomicInteger attempts = new AtomicInteger();
        RateLimitedException tooLong = rateLimited(Duration.ofSeconds(61));
        StepVerifier.withVirtualTime(() -> failing(attempts, tooLong)
                        .retryWhen(retry(ApiCall.GET, "j", VirtualTimeScheduler.get())))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(60).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .expectComplete().verify(TIMEOUT);
        assertThat(retries).containsExactly("GET j #2 after PT1M");
    }

    @Test
    void aServerThatKeepsAskingForTooLong_endsTheCallAtTheAttemptLimit_withItsOwnRetryAfter() {
        AtomicInteger attempts = new AtomicInteger();
        RateLimitedException last = rateLimited(Duration.ofHours(2));
        StepVerifier.withVirtualTime(() -> failing(attempts, rateLimited(Duration.ofHours(2)),
                        rateLimited(Duration.ofHours(2)), rateLimited(Duration.ofHours(2)), last)
                        .retryWhen(retry(ApiCall.GET, "j", VirtualTimeScheduler.get())))
                .expectSubscription()
                .thenAwait(Duration.ofMinutes(3))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(last)
                        .satisfies(x -> assertThat(last.retryAfter()).contains(Duration.ofHours(2))))
                .verify(TIMEOUT);
        assertThat(attempts).hasValue(4);
        assertThat(retries).containsExactly("GET j #2 after PT1M", "GET j #3 after PT1M", "GET j #4 after PT1M");
    }

    @Test
    void create_isRetriedOn429AndOnTheTransportFailuresTheMapperProvedUnsent() {
        AtomicInteger attempts = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> failing(attempts, rateLimited(Duration.ofSeconds(1)), transport())
                        .retryWhen(retry(ApiCall.CREATE, null, VirtualTimeScheduler.get())))
                .thenAwait(Duration.ofSeconds(2))
                .expectNext("ok")
                .expectComplete().verify(TIMEOUT);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void create_isNeverRetriedAfterAnAmbiguousFailureOrA5xxOrClientError() {
        for (AgentJobsException error : List.of(
                new OutcomeUnknownException("u", null, transport()),
                server(Duration.ofSeconds(1)),
                new MalformedResponseException("m", null, 200, null),
                new InvalidRequestException("i", null, null))) {
            AtomicInteger attempts = new AtomicInteger();
            StepVerifier.withVirtualTime(() -> failing(attempts, error)
                            .retryWhen(retry(ApiCall.CREATE, null, VirtualTimeScheduler.get())))
                    .expectErrorSatisfies(e -> assertThat(e).isSameAs(error))
                    .verify(TIMEOUT);
            assertThat(attempts).as(error.toString()).hasValue(1);
        }
        assertThat(retries).isEmpty();
    }

    @Test
    void nonApiErrorsAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        StepVerifier.create(failing(attempts, new IllegalStateException("closed"))
                        .retryWhen(retry(ApiCall.GET, "j", VirtualTimeScheduler.create())))
                .expectError(IllegalStateException.class)
                .verify(TIMEOUT);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void jitterStaysWithinItsBandAndTheCap() {
        CallRetryPolicy p = NO_JITTER.jitter(0.5).maxBackoff(Duration.ofMillis(300));
        CallRetry low = new CallRetry(ApiCall.GET, "j", p, VirtualTimeScheduler.create(), listener, () -> 0.0,
                Mono.never());
        CallRetry high = new CallRetry(ApiCall.GET, "j", p, VirtualTimeScheduler.create(), listener, () -> 1.0,
                Mono.never());
        assertThat(low.delayBeforeRetry(transport(), 1)).isEqualTo(Duration.ofMillis(125));
        assertThat(high.delayBeforeRetry(transport(), 1)).isEqualTo(Duration.ofMillis(300));
        assertThat(low.delayBeforeRetry(transport(), 2)).isEqualTo(Duration.ofMillis(150));
        assertThat(low.delayBeforeRetry(transport(), 4)).isNull();
    }

    @Test
    void noneMeansOneAttempt() {
        CallRetry none = new CallRetry(ApiCall.GET, "j", CallRetryPolicy.none(), VirtualTimeScheduler.create(),
                listener, Mono.never());
        assertThat(none.delayBeforeRetry(transport(), 1)).isNull();
    }

    /** A retry with no jitter whose client never closes. */
    private CallRetry retry(ApiCall call, String jobId, reactor.core.scheduler.Scheduler scheduler) {
        return new CallRetry(call, jobId, NO_JITTER, scheduler, listener, Mono.never());
    }
}
