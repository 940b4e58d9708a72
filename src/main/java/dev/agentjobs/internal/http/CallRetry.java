package dev.agentjobs.internal.http;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.ClientClosedException;
import dev.agentjobs.api.MalformedResponseException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.internal.Backoff;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * The single-call retry as a Reactor {@link Retry}: which failures are retried depends on the call, how long
 * to wait on the {@link CallRetryPolicy} and the server's {@code Retry-After} (cut to the policy's
 * {@code maxRetryAfter}; see {@link Backoff}). Delays run on the injected
 * scheduler, so the schedule can be checked under virtual time. When a retry is refused the original error
 * ends the call as it is (never a {@code RetryExhaustedException}).
 *
 * <p>A GET is retried on transport failures, 5xx, 429 and garbled bodies. A create or a message only on 429
 * or on a {@link TransportException} proven to precede the write: {@link ErrorMapper} turns every failure
 * that may have reached the server into an {@code OutcomeUnknownException}, which is never retried.
 */
final class CallRetry extends Retry {

    private final ApiCall call;
    private final String jobId;
    private final CallRetryPolicy policy;
    private final Scheduler scheduler;
    private final AgentJobsListener listener;
    private final DoubleSupplier random;
    private final Mono<Void> closing;

    /**
     * @param closing completes when the client starts closing: a call waiting for its retry then fails with a
     *                {@link ClientClosedException} instead of waiting on a timer that the closed event loop drops
     *                without running (which would leave the call hanging for ever)
     */
    CallRetry(ApiCall call, String jobId, CallRetryPolicy policy, Scheduler scheduler,
              AgentJobsListener listener, DoubleSupplier random, Mono<Void> closing) {
        this.call = call;
        this.jobId = jobId;
        this.policy = policy;
        this.scheduler = scheduler;
        this.listener = listener;
        this.random = random;
        this.closing = closing;
    }

    CallRetry(ApiCall call, String jobId, CallRetryPolicy policy, Scheduler scheduler,
              AgentJobsListener listener, Mono<Void> closing) {
        this(call, jobId, policy, scheduler, listener, () -> ThreadLocalRandom.current().nextDouble(), closing);
    }

    @Override
    public Publisher<?> generateCompanion(Flux<RetrySignal> signals) {
        return signals.concatMap(signal -> {
            Throwable error = signal.failure();
            // totalRetries() counts retries already made; the attempt that just failed is that number + 1.
            int failedAttempt = (int) Math.min(Integer.MAX_VALUE - 1, signal.totalRetries() + 1);
            Duration delay = delayBeforeRetry(error, failedAttempt);
            if (delay == null) {
                return Mono.error(error);
            }
            // A companion that errors ends the call with that error (retryWhen passes it on as it is).
            return timer(delay, failedAttempt + 1, error).or(closing.then(Mono.error(() -> new ClientClosedException(
                    "agentjobs client closed while " + ErrorMapper.label(call, jobId) + " waited to be retried"))));
        });
    }

    /**
     * Like {@code Mono.delay}, but tells the listener only once the timer is in the scheduler's queue, so an
     * observer that reacts to the callback (a test advancing virtual time) cannot run ahead of the timer.
     */
    private Mono<Long> timer(Duration delay, int nextAttempt, Throwable cause) {
        return Mono.create(sink -> {
            try {
                sink.onCancel(scheduler.schedule(() -> sink.success(0L), delay.toNanos(),
                        TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException closed) {
                // The event loop is shutting down with the client: end with the failure that led here.
                sink.error(cause);
                return;
            }
            Listeners.retryScheduled(listener, sink.contextView(), call, jobId, nextAttempt, delay, cause);
        });
    }

    /** The wait before the attempt after {@code failedAttempt}, or {@code null} when there is none. */
    Duration delayBeforeRetry(Throwable error, int failedAttempt) {
        if (failedAttempt >= policy.maxAttempts() || !isRetryable(call, error)) {
            return null;
        }
        Duration serverWait = ((AgentJobsException) error).retryAfter().orElse(null);
        if (serverWait != null) {
            return Backoff.clampRetryAfter(serverWait, policy.maxRetryAfter());
        }
        long cap = policy.maxBackoff().toNanos();
        long nominal = Backoff.exponential(policy.firstBackoff().toNanos(), policy.multiplier(), failedAttempt, cap);
        // Capped again after the jitter: maxBackoff is a promise about the actual wait.
        return Duration.ofNanos(Math.min(cap, Backoff.jittered(nominal, policy.jitter(), random.getAsDouble())));
    }

    static boolean isRetryable(ApiCall call, Throwable error) {
        if (error instanceof RateLimitedException || error instanceof TransportException) {
            return true;
        }
        return call.isIdempotent()
                && (error instanceof ServerErrorException || error instanceof MalformedResponseException);
    }
}
