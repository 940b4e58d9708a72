package dev.agentjobs.gateway;

import java.time.Duration;
import java.util.Set;

/** A {@link Gateway}'s settings, fixed when it starts. */
record Settings(String host, int port, boolean loopback, Set<String> allowedOrigins, int maxBodyBytes,
                int maxStreamsPerToken, Duration heartbeat, Duration retryHint, Duration idleTimeout,
                int feedHistory, int subscriberQueue, int maxJobs, int pageSize, boolean secureCookies) {
}
