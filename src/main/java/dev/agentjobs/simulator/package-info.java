/**
 * A fake agent-jobs server for tests and benchmarks, in the spirit of OkHttp's {@code MockWebServer}: it
 * speaks the v2 agent-jobs HTTP API on loopback, runs each job through a seeded, clock-driven lifecycle,
 * enforces per-project rate limits, injects faults (5xx, 429 bursts, dropped connections, slow or garbled
 * answers; opt-in, a hostile server's dripping or stalled bodies, escape sequences or the caller's key in job
 * fields, unlisted statuses and redirects) and records what reached the wire. Start one with
 * {@link dev.agentjobs.simulator.AgentJobsSimulator#builder()}.
 * It depends on nothing from the client packages, so a client bug cannot hide behind a shared model.
 */
package dev.agentjobs.simulator;
