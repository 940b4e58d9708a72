package dev.agentjobs.internal;

import dev.agentjobs.api.AgentJobsException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The polls' circuit breaker settings and what counts as an outage. Here rather than in the watch engine
 * because the client's shared breaker registry (one per client, see {@code ClientScope}) is built from them
 * too, and the gateway reaches that registry without going through a watcher.
 */
public final class Breakers {

    private Breakers() {
    }

    /**
     * Opens when half of the last 50 polls (20 at least) failed transiently, stays open 15 s, then lets 5
     * trial polls through. Only transient failures count (a 404 is an answer, not an outage); stack traces
     * are off so 100k deferred polls stay cheap.
     */
    public static CircuitBreakerConfig defaultConfig(Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(50)
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(15))
                .permittedNumberOfCallsInHalfOpenState(5)
                .recordException(Breakers::isTransient)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }

    /**
     * Whether a poll's failure is transient: it defers the next poll instead of ending the watch. The one
     * predicate for the poll loop and the default breaker, so what the breaker counts as an outage never ends a
     * watch: a transient {@link AgentJobsException} (transport, timeout, 5xx, 429) or a raw
     * {@link TimeoutException} (a {@code timeout()} operator in a user's own {@code JobsApi}).
     */
    public static boolean isTransient(Throwable error) {
        return error instanceof AgentJobsException e ? e.isTransient() : error instanceof TimeoutException;
    }
}
