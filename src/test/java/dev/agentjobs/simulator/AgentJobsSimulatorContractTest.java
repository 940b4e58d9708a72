package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.agentjobs.simulator.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every body the simulator serves, checked against the vendored OpenAPI schemas (converted to JSON Schema
 * 2020-12) and against a strict variant that also demands every AgentJob property and no others.
 */
class AgentJobsSimulatorContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode spec;
    private static ObjectNode defs;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private AgentJobsSimulator sim;

    @BeforeAll
    static void loadSpec() throws IOException {
        try (InputStream in = AgentJobsSimulatorContractTest.class.getResourceAsStream("/spec/agent-v2-openapi.json")) {
            spec = JSON.readTree(in);
        }
        defs = (ObjectNode) toJsonSchema(spec.at("/components/schemas").deepCopy());
    }

    /** OpenAPI 3.0 to JSON Schema: {@code nullable: true} becomes a null type, refs point into {@code $defs}. */
    static JsonNode toJsonSchema(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.path("nullable").asBoolean(false) && o.has("type")) {
                ArrayNode types = JSON.createArrayNode().add(o.get("type").asText()).add("null");
                o.set("type", types);
            }
            o.remove("nullable");
            o.remove("example");
            if (o.has("$ref")) {
                o.put("$ref", o.get("$ref").asText().replace("#/components/schemas/", "#/$defs/"));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                toJsonSchema(it.next().getValue());
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(AgentJobsSimulatorContractTest::toJsonSchema);
        }
        return node;
    }

    private static JsonSchema schema(JsonNode target, boolean strict) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        ObjectNode d = defs.deepCopy();
        if (strict) {
            for (String name : List.of("AgentJob", "Error")) {
                ObjectNode s = (ObjectNode) d.get(name);
                ArrayNode required = s.putArray("required");
                s.get("properties").fieldNames().forEachRemaining(required::add);
                s.put("additionalProperties", false);
            }
        }
        root.set("$defs", d);
        root.setAll((ObjectNode) toJsonSchema(target.deepCopy()));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root, config);
    }

    /** The schema the spec gives for this answer, or the Error schema for statuses the spec leaves out. */
    private static JsonNode responseSchema(String specPath, String method, int status) {
        JsonNode documented = spec.path("paths").path(specPath).path(method).path("responses")
                .path(Integer.toString(status)).at("/content/application~1json/schema");
        return documented.isMissingNode()
                ? JSON.createObjectNode().put("$ref", "#/components/schemas/Error") : documented;
    }

    private final List<String> violations = new ArrayList<>();
    private int checked;

    private void check(String specPath, String method, HttpResponse<String> r) throws IOException {
        JsonNode body = JSON.readTree(r.body());
        for (boolean strict : new boolean[] {false, true}) {
            Set<ValidationMessage> errors = schema(responseSchema(specPath, method, r.statusCode()), strict)
                    .validate(body);
            errors.forEach(e -> violations.add(method + " " + specPath + " " + r.statusCode() + ": " + e));
        }
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        checked++;
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void everyServedBody_matchesTheSpecSchemas() throws Exception {
        sim = AgentJobsSimulator.builder().apiKey(SimHttp.KEY).clock(clock).seed(5)
                .durations(JobDurations.fixed(Duration.ofMinutes(1)))
                .createLimit(RateLimit.parse("2/1h")).messageLimit(RateLimit.parse("1/1h"))
                .projects(Set.of("p", "my proj")).build().start();
        SimHttp http = new SimHttp(sim);
        String create = "/v2/agent/{projectId}/job";
        String get = "/v2/agent/{projectId}/job/{id}";
        String message = "/v2/agent/{projectId}/job/{id}/message";

        HttpResponse<String> created = http.create("p", "first");
        check(create, "post", created);
        String id = JSON.readTree(created.body()).get("id").asText();
        check(get, "get", http.get("/v2/agent/p/job/" + id));                           // active
        clock.advance(Duration.ofMinutes(1));
        check(get, "get", http.get("/v2/agent/p/job/" + id));                           // completed, prLink
        check(message, "post", http.post("/v2/agent/p/job/" + id + "/message", "{\"prompt\":\"m\"}"));
        check(message, "post", http.post("/v2/agent/p/job/" + id + "/message", "{\"prompt\":\"m\"}")); // 429
        sim.putJob("my proj", "a/b c?#", JobState.FAILED);
        check(get, "get", http.get("/v2/agent/my%20proj/job/a%2Fb%20c%3F%23"));           // failed
        sim.putJob("p", "gone", JobState.COMPLETED);
        sim.archive("p", "gone");
        check(get, "get", http.get("/v2/agent/p/job/gone"));                            // archived
        check(create, "post", http.post("/v2/agent/p/job", "{\"prompt\":\"\"}"));       // 400
        check(message, "post", http.post("/v2/agent/p/job/" + id + "/message", "nope")); // 400
        check(message, "post", http.post("/v2/agent/p/job/none/message", "{\"prompt\":\"m\"}")); // 404
        check(get, "get", http.get("/v2/agent/p/job/none"));                            // 404
        check(create, "post", http.create("other", "x"));                               // 404 project
        check(create, "post", http.create("p", "second"));
        check(create, "post", http.create("p", "third"));                               // 429
        check(get, "get", http.send("GET", "/v2/agent/p/job/" + id, null, "mint_wrong")); // 401
        check(get, "get", http.get("/nowhere"));                                        // 404 route
        check(get, "delete", http.send("DELETE", "/v2/agent/p/job/" + id, null, SimHttp.KEY)); // 405
        for (int status : new int[] {500, 502, 503}) {
            sim.close();
            sim = AgentJobsSimulator.builder().apiKey(SimHttp.KEY).faults(Faults.none()
                    .ratio(status == 500 ? FaultKind.ERROR_500 : status == 502 ? FaultKind.ERROR_502
                            : FaultKind.ERROR_503, 1.0)).build().start();
            HttpResponse<String> r = new SimHttp(sim).get("/v2/agent/p/job/x");
            assertThat(r.statusCode()).isEqualTo(status);
            check(get, "get", r);
        }

        assertThat(checked).isEqualTo(20);
        assertThat(violations).isEmpty();
    }

    @Test
    void validator_catchesAViolation() throws Exception {
        JsonNode bad = JSON.readTree("{\"id\":\"x\",\"status\":\"done\",\"prLink\":\"not a uri\"}");
        Set<ValidationMessage> lenient = schema(JSON.createObjectNode().put("$ref", "#/components/schemas/AgentJob"),
                false).validate(bad);
        assertThat(lenient).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("status")).anyMatch(m -> m.contains("prLink"));
        JsonNode nullRef = JSON.readTree("{\"source\":{\"repository\":\"r\",\"ref\":null},\"archivedAt\":null}");
        assertThat(schema(JSON.createObjectNode().put("$ref", "#/components/schemas/AgentJob"), false)
                .validate(nullRef)).as("nullable fields accept null").isEmpty();
    }
}
