package dev.agentjobs.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking HTTP client for simulator tests; runs on the JUnit thread, every call with a timeout. */
final class SimHttp {

    static final String KEY = "mint_sim_test_key_123";

    private final String base;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    SimHttp(AgentJobsSimulator sim) {
        this.base = sim.baseUrl();
    }

    HttpResponse<String> get(String rawPath) throws IOException, InterruptedException {
        return send("GET", rawPath, null, KEY);
    }

    /** A GET whose answer returns as soon as the headers are in; the body is read from the stream. */
    HttpResponse<InputStream> getStream(String rawPath) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + rawPath)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + KEY).GET().build();
        return client.send(r, HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<String> post(String rawPath, String body) throws IOException, InterruptedException {
        return send("POST", rawPath, body, KEY);
    }

    HttpResponse<String> create(String project, String prompt) throws IOException, InterruptedException {
        return post("/v2/agent/" + project + "/job", "{\"prompt\":\"" + prompt + "\"}");
    }

    HttpResponse<String> send(String method, String rawPath, String body, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + rawPath))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
