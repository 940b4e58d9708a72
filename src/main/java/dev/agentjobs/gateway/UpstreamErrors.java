package dev.agentjobs.gateway;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.WatchLimitExceededException;

/**
 * Maps what went wrong upstream to the status and message a gateway client gets. Messages are fixed texts
 * written here, never an exception's message: whatever the client library or the API put in one stays on the
 * server (the API key never is in one, but a gateway must not rely on a guarantee made elsewhere).
 */
final class UpstreamErrors {

    /** A status and the text of the {@code {"error": ...}} body. */
    record Mapped(int status, String message) {
    }

    private UpstreamErrors() {
    }

    static Mapped map(Throwable error) {
        if (error instanceof JobNotFoundException) {
            return new Mapped(404, "job not found");
        }
        if (error instanceof InvalidRequestException) {
            return new Mapped(400, "the API refused the request as invalid");
        }
        if (error instanceof RateLimitedException) {
            return new Mapped(429, "the API's rate limit was reached; try again later");
        }
        if (error instanceof OutcomeUnknownException) {
            return new Mapped(502, "the API's answer was lost: the request may or may not have taken effect;"
                    + " check GET /jobs before sending it again");
        }
        if (error instanceof AccessDeniedException) {
            return new Mapped(502, "the API refused the gateway's credentials");
        }
        if (error instanceof AgentJobsException || error instanceof IllegalStateException) {
            return new Mapped(503, "the API is unavailable; try again later");
        }
        return new Mapped(500, "internal error");
    }

    /** Why a watch ended, for an {@code error} event. */
    static String describe(Throwable error) {
        if (error instanceof WatchLimitExceededException e) {
            return switch (e.limit()) {
                case DEADLINE -> "the gateway's watch deadline passed; reconnect to watch again";
                case MAX_POLLS -> "the gateway's poll cap was reached; reconnect to watch again";
            };
        }
        return map(error).message();
    }
}
