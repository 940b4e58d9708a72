/**
 * The public face of agentjobs: the {@link dev.agentjobs.api.AgentJobsClient} facade and its builder, the
 * {@link dev.agentjobs.api.JobsApi} interface that fakes implement, the data it returns
 * ({@link dev.agentjobs.api.Job}, {@link dev.agentjobs.api.JobStatus}, {@link dev.agentjobs.api.JobEvent}),
 * the single-call retry policy, the listener, and one exception hierarchy.
 *
 * <pre>{@code
 * try (AgentJobsClient client = AgentJobsClient.builder().projectId("p")
 *         .apiKey(ApiKey.fromEnvironment("MINTLIFY_API_KEY")).build()) {
 *     Job job = client.create("Fix the typo in README").block();
 * }
 * }</pre>
 *
 * <h2>Errors</h2>
 *
 * Every error about a call or a watch is an {@link dev.agentjobs.api.AgentJobsException}, a sealed class;
 * each kind has a constructor taking what that kind carries and nothing else:
 *
 * <table>
 * <caption>The exception hierarchy</caption>
 * <tr><th>type</th><th>when</th><th>carries</th><th>transient (a GET is retried)</th></tr>
 * <tr><td>{@link dev.agentjobs.api.InvalidRequestException}</td><td>HTTP 400</td><td>status, server text</td><td>no</td></tr>
 * <tr><td>{@link dev.agentjobs.api.AccessDeniedException}</td><td>HTTP 401 (bad key) or 403 (scope, IP)</td><td>status, server text</td><td>no</td></tr>
 * <tr><td>{@link dev.agentjobs.api.JobNotFoundException}</td><td>HTTP 404</td><td>status, server text</td><td>no</td></tr>
 * <tr><td>{@link dev.agentjobs.api.RateLimitedException}</td><td>HTTP 429</td><td>status, server text, {@code Retry-After}</td><td>yes; a create or message too</td></tr>
 * <tr><td>{@link dev.agentjobs.api.ServerErrorException}</td><td>HTTP 5xx</td><td>status, server text, {@code Retry-After}</td><td>yes</td></tr>
 * <tr><td>{@link dev.agentjobs.api.UnexpectedResponseException}</td><td>a status the API does not document (3xx, 418)</td><td>status, server text</td><td>no</td></tr>
 * <tr><td>{@link dev.agentjobs.api.MalformedResponseException}</td><td>a body that is not a job, or too large</td><td>status, cause</td><td>yes</td></tr>
 * <tr><td>{@link dev.agentjobs.api.TransportException}</td><td>no usable response: refused, reset, timed out</td><td>cause</td><td>yes; a create or message only when provably unsent</td></tr>
 * <tr><td>{@link dev.agentjobs.api.OutcomeUnknownException}</td><td>a create or message may have reached the server</td><td>cause (and its status)</td><td>never retried: the caller decides</td></tr>
 * <tr><td>{@link dev.agentjobs.api.WatchLimitExceededException}</td><td>a watch's deadline or poll cap, see {@code limit()}</td><td>job id only</td><td>no</td></tr>
 * </table>
 *
 * <p>Besides these, a call on a closed client fails with {@link dev.agentjobs.api.ClientClosedException} (an
 * {@link java.lang.IllegalStateException}: nothing was sent), a closed watcher's watches with an
 * {@link java.lang.IllegalStateException}, and a bad argument, before anything is sent, with an
 * {@link java.lang.IllegalArgumentException}. The command line maps these to its exit codes (3 for an API or
 * transport error, 4 for a watch limit, 5 for an unknown outcome), the gateway to HTTP statuses, the fan-out
 * to its prompt states ({@code REJECTED} for a 400, {@code IN_DOUBT} for an unknown outcome, {@code ERROR}
 * for a watch that ended on our side).
 */
package dev.agentjobs.api;
