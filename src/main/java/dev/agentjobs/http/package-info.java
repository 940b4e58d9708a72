/**
 * Transport: the Reactor Netty HTTP client with its own event loop and bounded pool ({@code NettyResources}),
 * the global in-flight bound ({@code InFlightLimiter}), URL building ({@code JobPaths}), the JSON codec
 * ({@code JobCodec}, {@code CappedBody}), the mapping of statuses and failures to the api exceptions
 * ({@code ErrorMapper}, {@code RetryAfter}), and the single-call retry rules ({@code CallRetry},
 * {@code AttemptTracker}), tied together by {@link dev.agentjobs.http.JobsTransport}. Internal: only the
 * {@code api} package is meant for users.
 */
package dev.agentjobs.http;
