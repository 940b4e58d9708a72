/**
 * The watch engine: {@link dev.agentjobs.poll.JobWatcher} creates jobs and polls them to their end, one
 * timer-driven loop per job shared by all its subscribers, emitting status transitions; the schedule
 * (first poll, growth, jitter, spread, deadline, cap, Retry-After clamp) is {@link dev.agentjobs.poll.PollPolicy}.
 * Change the poll cadence there.
 */
package dev.agentjobs.poll;
