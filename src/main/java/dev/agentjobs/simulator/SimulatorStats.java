package dev.agentjobs.simulator;

/**
 * Counters since the simulator started; also served as JSON at {@code GET /_sim/stats}.
 *
 * @param requests               every HTTP request received
 * @param creates                jobs created by {@code POST .../job}
 * @param gets                   authorised {@code GET .../job/{id}} requests
 * @param messages               follow-up messages taken
 * @param rejected429            429 answers (rate limit, fault bursts, scripts)
 * @param faults                 random faults injected
 * @param scripted               scripted responses used
 * @param unauthorized           401 answers
 * @param badRequests            400 answers
 * @param notFound               404 answers
 * @param jobs                   jobs held (created and preloaded)
 * @param activeJobs             jobs {@code active} now, by the simulator's clock
 * @param maxCreatesForOnePrompt the most jobs created for one identical prompt (1 = no duplicate creates)
 */
public record SimulatorStats(long requests, long creates, long gets, long messages, long rejected429, long faults,
                             long scripted, long unauthorized, long badRequests, long notFound, long jobs,
                             long activeJobs, int maxCreatesForOnePrompt) {
}
