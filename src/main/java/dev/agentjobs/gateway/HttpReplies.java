package dev.agentjobs.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.internal.Checks;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Small pieces of HTTP the routes share: JSON replies, the capped request body, the prompt in it. */
final class HttpReplies {

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Jackson builds and caches a (de)serializer under a lock the first time a type is met; two event-loop
        // threads meeting it at once would park one of them. Meet every node type once here instead.
        try {
            JSON.readTree("{\"s\":\"x\",\"n\":1,\"d\":1.5,\"b\":true,\"z\":null,\"a\":[{}]}").toString();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A request the gateway refuses with a status and a message, before anything goes upstream. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private HttpReplies() {
    }

    static Publisher<Void> json(HttpServerResponse res, int status, JsonNode body) {
        return res.status(status).header(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .sendString(Mono.just(body.toString()));
    }

    /** The API's error shape: {@code {"error": "..."}}. */
    static Publisher<Void> error(HttpServerResponse res, int status, String message) {
        ObjectNode n = JSON.createObjectNode().put("error", message);
        return json(res, status, n);
    }

    static Publisher<Void> noContent(HttpServerResponse res) {
        return res.status(HttpResponseStatus.NO_CONTENT).send();
    }

    /**
     * The request body, at most {@code max} bytes: a larger declared length is refused before reading, a larger
     * chunked body as soon as it passes the cap (413 either way).
     */
    static Mono<byte[]> body(HttpServerRequest req, int max) {
        String declared = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > max) {
                    return Mono.error(tooLarge(max));
                }
            } catch (NumberFormatException e) {
                return Mono.error(new Refused(400, "Content-Length is not a number"));
            }
        }
        return req.receive().reduceWith(ByteArrayOutputStream::new, (acc, buf) -> {
            int n = buf.readableBytes();
            if (acc.size() + n > max) {
                throw tooLarge(max);
            }
            byte[] chunk = new byte[n];
            buf.readBytes(chunk);
            acc.write(chunk, 0, n);
            return acc;
        }).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
    }

    /** Requires a JSON body; the prompt in it, checked as the client checks it (a string, not empty). */
    static String prompt(HttpServerRequest req, byte[] body) {
        requireJson(req);
        JsonNode n = parse(body);
        JsonNode p = n.get("prompt");
        if (p == null || !p.isTextual()) {
            throw new Refused(400, "\"prompt\" must be a string");
        }
        try {
            return Checks.requirePrompt(p.textValue());
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
    }

    static void requireJson(HttpServerRequest req) {
        String type = req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Refused(415, "Content-Type must be application/json");
        }
    }

    /** A JSON object, or a 400 that says what is wrong. */
    static JsonNode parse(byte[] body) {
        JsonNode n;
        try {
            n = body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw new Refused(400, "the body is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new Refused(400, "the body must be a JSON object");
        }
        return n;
    }

    private static Refused tooLarge(int max) {
        return new Refused(413, "the body is larger than " + max + " bytes");
    }
}
