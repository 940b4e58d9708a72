/**
 * Fakes for tests and benchmarks, yours and ours.
 *
 * <p>{@link dev.agentjobs.simulator.AgentJobsSimulator}, a fake agent-jobs server in the spirit of OkHttp's
 * {@code MockWebServer}: it speaks the v2 agent-jobs HTTP API on loopback, runs each job through a seeded,
 * clock-driven lifecycle, enforces per-project rate limits, injects faults (5xx, 429 bursts, dropped
 * connections, slow or garbled answers; opt-in, a hostile server's dripping or stalled bodies, escape
 * sequences or the caller's key in job fields, unlisted statuses and redirects) and records what reached the
 * wire. The server depends on nothing from the client packages, so a client bug cannot hide behind a shared
 * model.
 *
 * <p>For tests with no network at all: {@link dev.agentjobs.simulator.ScriptedJobsApi}, an in-process
 * {@link dev.agentjobs.api.JobsApi} that answers each poll of a job from a script, to drive a
 * {@code JobWatcher} or a fan-out under virtual time; and {@link dev.agentjobs.simulator.MutableClock}, a clock
 * a test moves by hand, for the simulator's job lifecycle or anything else that takes a {@link java.time.Clock}.
 *
 * <pre>{@code
 * VirtualTimeScheduler time = VirtualTimeScheduler.create();
 * ScriptedJobsApi api = new ScriptedJobsApi(time)
 *         .script("job_1", ScriptedJobsApi.job("job_1", JobStatus.ACTIVE),
 *                 ScriptedJobsApi.job("job_1", JobStatus.COMPLETED));
 * JobWatcher watcher = JobWatcher.builder(api).scheduler(time)
 *         .policy(PollPolicy.fixed(Duration.ofSeconds(5))).build();
 * }</pre>
 */
package dev.agentjobs.simulator;
