package dev.agentjobs.bench;

import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.PollerFlux;
import reactor.core.publisher.Mono;

/**
 * {@code azure-poller}: Azure's {@link PollerFlux} (azure-core) per job, built as its javadoc shows: an
 * activation operation, a poll operation answering {@link PollResponse}s, a cancel and a final-result
 * operation, subscribed once. The poll operation is the same Reactor Netty GET as {@code raw-netty}.
 *
 * <p>{@code PollerFlux} waits its poll interval before every poll, the first included, so a job's first
 * poll is due one interval after it is started; from then on the schedule is the shared one.
 */
final class AzurePoller extends NettyGetPoller {

    @Override
    public void watch(int job) {
        recorder.firstDue(job, System.nanoTime() + recorder.intervalNanos());
        String path = get.target().path(job);
        PollerFlux<String, String> poller = new PollerFlux<>(interval,
                context -> Mono.just("active"),
                context -> Mono.defer(() -> {
                    recorder.sent(job);
                    return get.status(path);
                }).map(status -> {
                    recorder.completed(job);
                    return new PollResponse<>(toAzure(status), status);
                }).onErrorResume(e -> {
                    // A failed GET is one failed poll, not the end of the operation: poll again next time.
                    recorder.failed(job);
                    return Mono.just(new PollResponse<>(LongRunningOperationStatus.IN_PROGRESS, "error"));
                }),
                (context, activation) -> Mono.error(new UnsupportedOperationException("no cancel in the API")),
                context -> Mono.just(context.getLatestResponse().getValue()));
        poller.subscribe(response -> { }, error -> recorder.watchFailed());
    }

    private static LongRunningOperationStatus toAzure(String status) {
        switch (status) {
            case "completed":
            case "archived":
                return LongRunningOperationStatus.SUCCESSFULLY_COMPLETED;
            case "failed":
                return LongRunningOperationStatus.FAILED;
            default:
                return LongRunningOperationStatus.IN_PROGRESS;
        }
    }
}
