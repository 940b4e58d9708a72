package dev.agentjobs.http;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import reactor.core.scheduler.Scheduler;

/**
 * The validated settings a {@link JobsTransport} runs with, handed over by the client facade's builder.
 *
 * @param responseTimeout the longest silence while a response is due (Reactor Netty's idle timeout)
 * @param attemptTimeout  the longest one attempt may take in all: connect, write, status line, whole body
 * @param scheduler       the scheduler for delays, or {@code null} for the transport's own event loop
 * @param app             what the embedding application lends: HttpClient customizer, loops, pool, metrics
 */
public record TransportSettings(URI baseUrl, String projectId, ApiKey apiKey, Duration connectTimeout,
                                Duration responseTimeout, Duration attemptTimeout, int maxConnections,
                                Duration maxIdleTime, int eventLoopThreads, int maxResponseBytes,
                                AgentJobsListener listener, Clock clock, Scheduler scheduler, String userAgent,
                                AppResources app) {

    @Override
    public String toString() {
        // The record's generated toString would be fine (ApiKey redacts itself), but stay explicit.
        return "TransportSettings{baseUrl=" + baseUrl + ", projectId=" + projectId + ", apiKey=[REDACTED]}";
    }
}
