package dev.agentjobs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class AgentJobsClientTest {

    private static final String KEY = "mint_unit_secret_93b1";

    private static AgentJobsClient.Builder valid() {
        return AgentJobsClient.builder().projectId("proj").apiKey(ApiKey.of(KEY));
    }

    @Test
    void build_requiresProjectAndKey() {
        assertThatThrownBy(() -> AgentJobsClient.builder().apiKey(ApiKey.of(KEY)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("projectId");
        assertThatThrownBy(() -> AgentJobsClient.builder().projectId("p").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apiKey");
    }

    @Test
    void setters_rejectBadValuesNamingThem() {
        AgentJobsClient.Builder b = valid();
        assertThatThrownBy(() -> b.baseUrl("ftp://h")).hasMessageContaining("ftp://h");
        assertThatThrownBy(() -> b.baseUrl("http://h/?q=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> b.baseUrl("http://user:pw@h/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("pw");
        assertThatThrownBy(() -> b.projectId(" ")).hasMessageContaining("projectId");
        assertThatThrownBy(() -> b.maxConnections(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.eventLoopThreads(65)).hasMessageContaining("was 65");
        assertThatThrownBy(() -> b.maxResponseBytes(100)).hasMessageContaining("was 100");
        assertThatThrownBy(() -> b.responseTimeout(Duration.ZERO)).hasMessageContaining("responseTimeout");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(-1))).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> b.maxIdleTime(Duration.ZERO)).hasMessageContaining("maxIdleTime");
        assertThatThrownBy(() -> b.attemptTimeout(Duration.ZERO)).hasMessageContaining("attemptTimeout")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.attemptTimeout(Duration.ofHours(2))).hasMessageContaining("PT2H");
        assertThatThrownBy(() -> b.attemptTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.userAgent("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_neverShowsTheKey() {
        try (AgentJobsClient client = valid().build()) {
            assertThat(client.toString()).doesNotContain(KEY).contains("REDACTED").contains("projectId=proj");
            assertThat(client.toBuilder().toString()).doesNotContain(KEY);
            assertThat(client.toBuilder().attemptTimeout(Duration.ofSeconds(7)).toString())
                    .as("the setting travels with toBuilder and shows").contains("attemptTimeout=PT7S");
            assertThat(client.toString()).contains("attemptTimeout=PT1M");
        }
    }

    @Test
    void badArgumentsFailAtOnce_beforeAnythingIsSent() {
        try (AgentJobsClient client = valid().build()) {
            assertThatThrownBy(() -> client.create("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.create(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.get(" ")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.sendMessage("j", "")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void callsAreLazy() {
        AtomicInteger started = new AtomicInteger();
        try (AgentJobsClient client = valid().baseUrl("http://127.0.0.1:1").listener(new AgentJobsListener() {
            @Override
            public void requestStarted(ApiCall call, String jobId) {
                started.incrementAndGet();
            }
        }).build()) {
            Mono<Job> notSubscribed = client.create("hello");
            assertThat(notSubscribed).isNotNull();
            assertThat(started).hasValue(0);
        }
    }

    @Test
    void toBuilder_makesASiblingWithTheSameSettings() {
        try (AgentJobsClient client = valid().baseUrl("http://127.0.0.1:9/prefix").build();
             AgentJobsClient sibling = client.toBuilder().projectId("other").build()) {
            assertThat(sibling.baseUrl()).isEqualTo(client.baseUrl());
            assertThat(sibling.projectId()).isEqualTo("other");
            assertThat(client.isDisposed()).isFalse();
        }
    }
}
