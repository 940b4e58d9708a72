package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How the peers read an answer: parse the JSON body and take its {@code status}, the least any real
 * poller must do to know whether to stop.
 */
final class JobStatusText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobStatusText() {
    }

    static String parse(byte[] body) {
        try {
            JsonNode status = JSON.readTree(body).get("status");
            if (status == null || !status.isTextual()) {
                throw new IllegalStateException("answer without a status");
            }
            return status.textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isTerminal(String status) {
        return "completed".equals(status) || "failed".equals(status) || "archived".equals(status);
    }
}
