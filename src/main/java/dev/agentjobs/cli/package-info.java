/**
 * The {@code agentjobs} command line (picocli): {@code create}, {@code get}, {@code message}, {@code run},
 * {@code watch} drive the API through {@link dev.agentjobs.api.AgentJobsClient} and
 * {@link dev.agentjobs.poll.JobWatcher}, configured by {@code MINTLIFY_API_KEY}, {@code MINTLIFY_PROJECT_ID} and
 * {@code AGENTJOBS_BASE_URL} (overridden by flags, none of which takes the key itself), or by {@code --simulate},
 * which starts an embedded {@link dev.agentjobs.simulator.AgentJobsSimulator}; {@code simulate} serves one until
 * stopped. The entry point is {@link dev.agentjobs.cli.Main}; everything else is package-private. Exit codes
 * live in {@code ExitCodes}, output formats in {@code Printer}, error lines in {@code ErrorReporter}.
 */
package dev.agentjobs.cli;
