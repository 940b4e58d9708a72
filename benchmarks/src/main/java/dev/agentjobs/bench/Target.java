package dev.agentjobs.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the pollers send their GETs: the simulator's base URL, the project, the key and the job ids
 * ({@code bench-0} to {@code bench-(jobs-1)}, preloaded by {@link SimulatorServer}).
 */
record Target(String baseUrl, String projectId, String apiKey, int jobs) {

    static final String ID_PREFIX = "bench-";

    static String jobId(int job) {
        return ID_PREFIX + job;
    }

    /** The job index of an id made by {@link #jobId}, without allocating. */
    static int jobIndex(String jobId) {
        return Integer.parseInt(jobId, ID_PREFIX.length(), jobId.length(), 10);
    }

    /** The GET path of one job, as the API spells it. */
    String path(int job) {
        return "/v2/agent/" + URLEncoder.encode(projectId, StandardCharsets.UTF_8) + "/job/" + jobId(job);
    }

    String authorization() {
        return "Bearer " + apiKey;
    }
}
