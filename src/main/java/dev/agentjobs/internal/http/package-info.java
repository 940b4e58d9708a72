/**
 * Transport, internal and not exported from the module: the Reactor Netty HTTP client with its own event loop
 * and bounded pool ({@code NettyResources}), the global in-flight bound ({@code InFlightLimiter}), URL
 * building ({@code JobPaths}), the JSON codec ({@code JobCodec}, {@code CappedBody}), the mapping of statuses
 * and failures to the api exceptions ({@code ErrorMapper}, {@code RetryAfter}), and the single-call retry
 * rules ({@code CallRetry}, {@code AttemptTracker}), tied together by {@link JobsTransport}. Everything a
 * transport runs with comes in one checked {@link TransportSettings}, which the public
 * {@code AgentJobsClient.Builder} fills; a new transport setting is added there. No compatibility promise:
 * users reach all of this through {@code dev.agentjobs.api}.
 */
package dev.agentjobs.internal.http;
