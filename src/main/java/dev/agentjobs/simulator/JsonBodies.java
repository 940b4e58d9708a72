package dev.agentjobs.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.simulator.AgentJobsSimulator.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * Writes response bodies with Jackson's streaming generator (no object tree, no reflection: this is the hot
 * path) and reads request bodies with a strict mapper.
 */
final class JsonBodies {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {
    }

    static byte[] job(SimJob job, long now, String repository, String model) {
        JobState state = job.state(now);
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("id", job.id());
            g.writeStringField("status", state.wireName());
            g.writeObjectFieldStart("source");
            g.writeStringField("repository", repository);
            g.writeStringField("ref", "mintlify/agent-" + job.number());
            g.writeEndObject();
            g.writeStringField("model", model);
            if (job.hasPullRequest(now)) {
                g.writeStringField("prLink", repository + "/pull/" + job.number());
            } else {
                g.writeNullField("prLink");
            }
            g.writeStringField("createdAt", Instant.ofEpochMilli(job.createdAt()).toString());
            if (job.archivedAt() == SimJob.NOT_ARCHIVED) {
                g.writeNullField("archivedAt");
            } else {
                g.writeStringField("archivedAt", Instant.ofEpochMilli(job.archivedAt()).toString());
            }
            g.writeEndObject();
        });
    }

    /**
     * The job body with top-level fields replaced by strings; a {@code null} replacement stands for
     * {@code callerKey}, so the key is put in only here, never kept in a scripted response.
     */
    static byte[] withFields(byte[] job, Map<String, String> fields, String callerKey) {
        try {
            ObjectNode node = (ObjectNode) STRICT.readTree(job);
            fields.forEach((name, value) -> node.put(name, value == null ? callerKey : value));
            return STRICT.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the simulator's own job JSON", e);
        }
    }

    static byte[] error(String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    static byte[] stats(Stats s) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("requests", s.requests());
            g.writeNumberField("creates", s.creates());
            g.writeNumberField("gets", s.gets());
            g.writeNumberField("messages", s.messages());
            g.writeNumberField("rejected429", s.rejected429());
            g.writeNumberField("faults", s.faults());
            g.writeNumberField("scripted", s.scripted());
            g.writeNumberField("unauthorized", s.unauthorized());
            g.writeNumberField("badRequests", s.badRequests());
            g.writeNumberField("notFound", s.notFound());
            g.writeNumberField("jobs", s.jobs());
            g.writeNumberField("activeJobs", s.activeJobs());
            g.writeNumberField("maxCreatesForOnePrompt", s.maxCreatesForOnePrompt());
            g.writeEndObject();
        });
    }

    /**
     * The prompt of a create or message body, or {@code null} when the body is not a JSON object with a
     * non-empty string {@code prompt} (the spec's {@code minLength: 1}).
     */
    static String prompt(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = STRICT.readTree(body);
            JsonNode prompt = node == null ? null : node.get("prompt");
            return prompt != null && prompt.isTextual() && !prompt.textValue().isEmpty() ? prompt.textValue() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private interface Body {
        void writeTo(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }
}
