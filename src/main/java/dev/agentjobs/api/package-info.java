/**
 * The public face of agentjobs: the {@link dev.agentjobs.api.AgentJobsClient} facade and its builder, the
 * data it returns ({@link dev.agentjobs.api.Job}, {@link dev.agentjobs.api.JobStatus},
 * {@link dev.agentjobs.api.JobEvent}), the single-call retry policy, the listener, and the one exception
 * hierarchy rooted at {@link dev.agentjobs.api.AgentJobsException}.
 */
package dev.agentjobs.api;
