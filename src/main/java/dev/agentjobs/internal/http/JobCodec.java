package dev.agentjobs.internal.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * JSON on the wire: the {@code {"prompt": ...}} request body, the AgentJob response, the {@code {"error": ...}}
 * error body. One {@link ObjectMapper} serves every client: it is thread-safe once configured.
 *
 * <p>Tolerance rules, because the API marks no property as required and may grow: unknown properties are
 * ignored, missing ones become {@code null}, an unknown status becomes {@link JobStatus#UNKNOWN} (its text kept as
 * {@link Job#rawStatus()}). A timestamp
 * that does not parse becomes {@code null} instead of failing the whole job: the id and status are what a
 * poller needs, and losing them over a cosmetic field would stall every watch of that job. A body that is not
 * a JSON object of the right shape is a {@link DecodeException}.
 */
final class JobCodec {

    // Trees and a streaming parser only: nothing is bound by reflection, so no modules and no opened package.
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final int MAX_PLAIN_ERROR_CHARS = 200;
    /** Repository URLs and model names repeat across all the jobs of a project: keep one copy of each. */
    private static final StringCache SHARED = new StringCache(256);

    private JobCodec() {
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

    /** Same as {@link #decodeJob(byte[], String)} with no id to reuse. */
    static Job decodeJob(byte[] body) throws DecodeException {
        return decodeJob(body, null);
    }

    /**
     * Reads an AgentJob with a streaming parser: no tree, no reflection, one pass. A poll decodes one of
     * these per request, and a watched job keeps its last snapshot, so the strings it holds are shared where
     * they repeat: the id is {@code knownId} when equal, and repository and model come from a small cache.
     *
     * @param knownId the id the caller asked for, or {@code null}
     */
    static Job decodeJob(byte[] body, String knownId) throws DecodeException {
        if (body.length == 0) {
            throw new DecodeException("empty body", null);
        }
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException("body is a JSON " + kind(first) + ", not an object", null);
            }
            String id = null;
            String status = null;
            Job.Source source = null;
            String model = null;
            String prLink = null;
            Instant createdAt = null;
            Instant archivedAt = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> {
                        id = scalar(p, name);
                        if (id != null && id.equals(knownId)) {
                            id = knownId;
                        }
                    }
                    case "status" -> status = scalar(p, name);
                    case "source" -> source = source(p);
                    case "model" -> model = SHARED.canonical(scalar(p, name));
                    case "prLink" -> prLink = scalar(p, name);
                    case "createdAt" -> createdAt = Timestamps.parse(scalar(p, name));
                    case "archivedAt" -> archivedAt = Timestamps.parse(scalar(p, name));
                    default -> p.skipChildren();
                }
            }
            // The schema marks no property required: a GET without an id is still the job that was asked for.
            return new Job(id == null ? knownId : id, JobStatus.fromWire(status), source, model, prLink,
                    createdAt, archivedAt, status);
        } catch (JsonProcessingException e) {
            // Not kept as the cause: Jackson's message quotes the offending part of the body.
            throw new DecodeException("body is not JSON (" + e.getClass().getSimpleName() + ")", null);
        } catch (IOException e) {
            throw new DecodeException("body could not be read", null);
        }
    }

    /**
     * {@code job} with every occurrence of {@code key} in its texts replaced by {@code [REDACTED]}; the same
     * object when there is none (the usual case: one scan of a few short strings). A server that echoes the
     * bearer key in a job field must not get it into events, ledgers, gateway streams or an application's logs.
     */
    static Job withoutKey(Job job, ApiKey key) {
        Job.Source source = job.source();
        String secret = key.reveal();
        boolean inSource = source != null && (occurs(secret, source.repository()) || occurs(secret, source.ref()));
        if (!inSource && !occurs(secret, job.id()) && !occurs(secret, job.model()) && !occurs(secret, job.prLink())
                && !occurs(secret, job.rawStatus())) {
            return job;
        }
        Job.Source cleanSource = inSource
                ? new Job.Source(key.redactFrom(source.repository()), key.redactFrom(source.ref())) : source;
        return new Job(key.redactFrom(job.id()), job.status(), cleanSource, key.redactFrom(job.model()),
                key.redactFrom(job.prLink()), job.createdAt(), job.archivedAt(), key.redactFrom(job.rawStatus()));
    }

    private static boolean occurs(String secret, String text) {
        return text != null && text.contains(secret);
    }

    private static Job.Source source(JsonParser p) throws IOException, DecodeException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new DecodeException("body does not have the shape of a job: source is a JSON "
                    + kind(p.currentToken()), null);
        }
        String repository = null;
        String ref = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "repository" -> repository = SHARED.canonical(scalar(p, "source." + name));
                case "ref" -> ref = scalar(p, "source." + name);
                default -> p.skipChildren();
            }
        }
        return new Job.Source(repository, ref);
    }

    /** A string, number or boolean as text (as a bind to String would give); null for null; else the wrong shape. */
    private static String scalar(JsonParser p, String field) throws IOException, DecodeException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        throw new DecodeException("body does not have the shape of a job: " + field + " is a JSON " + kind(t), null);
    }

    private static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * The server's error text: the {@code error} string of a JSON body, else a short plain-text body on one
     * line, else {@code null} (an HTML page or a long dump says nothing a caller can use). The key is
     * redacted before the text is cut to length, so no prefix of it can survive a cut.
     */
    static String errorText(byte[] body, ApiKey key) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode tree = MAPPER.readTree(body);
            if (tree != null && tree.isObject()) {
                JsonNode error = tree.get("error");
                return error != null && error.isTextual() ? oneLine(key.redactFrom(error.asText())) : null;
            }
            if (tree != null && tree.isTextual()) {
                return oneLine(key.redactFrom(tree.asText()));
            }
        } catch (IOException notJson) {
            String text = key.redactFrom(new String(body, StandardCharsets.UTF_8)).strip();
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
}
