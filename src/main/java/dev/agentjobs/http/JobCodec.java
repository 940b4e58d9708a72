package dev.agentjobs.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobSource;
import dev.agentjobs.api.JobStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * JSON on the wire: the {@code {"prompt": ...}} request body, the AgentJob response, the {@code {"error": ...}}
 * error body. One {@link ObjectMapper} serves every client: it is thread-safe once configured.
 *
 * <p>Tolerance rules, because the API marks no property as required and may grow: unknown properties are
 * ignored, missing ones become {@code null}, an unknown status becomes {@link JobStatus#UNKNOWN}. A timestamp
 * that does not parse becomes {@code null} instead of failing the whole job: the id and status are what a
 * poller needs, and losing them over a cosmetic field would stall every watch of that job. A body that is not
 * a JSON object of the right shape is a {@link DecodeException}.
 */
final class JobCodec {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);

    private static final int MAX_PLAIN_ERROR_CHARS = 200;

    private JobCodec() {
    }

    /** The wire shape of an AgentJob; strings only, so a bad timestamp cannot fail the bind. */
    record WireJob(String id, String status, WireSource source, String model, String prLink, String createdAt,
                   String archivedAt) {
    }

    record WireSource(String repository, String ref) {
    }

    /** The body is not an AgentJob; the message says why without quoting the body. */
    static final class DecodeException extends Exception {
        DecodeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static byte[] encodePrompt(String prompt) {
        try {
            return MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("prompt", prompt));
        } catch (JsonProcessingException e) {
            // An object of one string always serialises; reaching here means a broken classpath.
            throw new IllegalStateException("cannot encode prompt body", e);
        }
    }

    static Job decodeJob(byte[] body) throws DecodeException {
        if (body.length == 0) {
            throw new DecodeException("empty body", null);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new DecodeException("body is not JSON", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new DecodeException("body is a JSON " + (tree == null ? "nothing" : tree.getNodeType()
                    .name().toLowerCase(Locale.ROOT)) + ", not an object", null);
        }
        WireJob w;
        try {
            w = MAPPER.treeToValue(tree, WireJob.class);
        } catch (IOException e) {
            throw new DecodeException("body does not have the shape of a job", e);
        }
        JobSource source = w.source() == null ? null : new JobSource(w.source().repository(), w.source().ref());
        return new Job(w.id(), JobStatus.fromWire(w.status()), source, w.model(), w.prLink(),
                instant(w.createdAt()), instant(w.archivedAt()));
    }

    /**
     * The server's error text: the {@code error} string of a JSON body, else a short plain-text body on one
     * line, else {@code null} (an HTML page or a long dump says nothing a caller can use).
     */
    static String errorText(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode tree = MAPPER.readTree(body);
            if (tree != null && tree.isObject()) {
                JsonNode error = tree.get("error");
                return error != null && error.isTextual() ? oneLine(error.asText()) : null;
            }
            if (tree != null && tree.isTextual()) {
                return oneLine(tree.asText());
            }
        } catch (IOException notJson) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty() && text.length() <= MAX_PLAIN_ERROR_CHARS && !text.startsWith("<")) {
                return oneLine(text);
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        String s = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (s.isEmpty()) {
            return null;
        }
        return s.length() <= MAX_PLAIN_ERROR_CHARS ? s : s.substring(0, MAX_PLAIN_ERROR_CHARS) + "...";
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
