package dev.agentjobs.gateway;

import dev.agentjobs.api.JobEvent;

/**
 * Where the gateway writes down the jobs it created or was asked about, so that a restarted gateway resumes
 * them. Called under the hub's lock on every event: an implementation hands the write off and returns.
 */
interface JobRecorder {

    /** Records nothing: the gateway is in-memory only. */
    JobRecorder NONE = event -> { };

    /** A job's latest state. */
    void seen(JobEvent event);
}
