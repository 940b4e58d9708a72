package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.JobDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Event streams over loopback: their format, closing after the terminal event, and resuming by Last-Event-ID. */
class GatewayResumeTest {

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void jobStream_startsWithTheCurrentState_endsAfterTerminal_andAnswersTheReconnect204() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(600)), b -> b);
        String id = h.create("write the changelog");
        SseParser parser = new SseParser();

        List<SseEvent> events = h.stream("/jobs/" + id + "/events", null, GatewayHarness.bearer(), parser)
                .collectList().block(TIMEOUT);

        assertThat(events).extracting(SseEvent::event).containsExactly("created", "pr_linked", "terminal");
        assertThat(events).extracting(SseEvent::seq).containsExactly(1L, 2L, 3L);
        JsonNode last = GatewayHarness.json(events.get(2).data());
        assertThat(last.get("jobId").asText()).isEqualTo(id);
        assertThat(last.get("status").asText()).isEqualTo("completed");
        assertThat(last.get("previous").asText()).isEqualTo("active");
        assertThat(last.at("/job/prLink").asText()).contains("/pull/");
        assertThat(parser.retries()).containsExactly(300L);

        List<SseEvent> reconnect = h.stream("/jobs/" + id + "/events", events.get(2).id()).collectList()
                .block(TIMEOUT);
        assertThat(reconnect).extracting(SseEvent::event).containsExactly("http-204");
    }

    @Test
    void jobStream_resumedMidStream_losesAndRepeatsNothing() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(1500)), b -> b);
        String id = h.create("resume me");

        SseEvent first = h.stream("/jobs/" + id + "/events", null).blockFirst(TIMEOUT);
        List<SseEvent> rest = h.stream("/jobs/" + id + "/events", first.id()).collectList().block(TIMEOUT);
        List<SseEvent> whole = h.stream("/jobs/" + id + "/events", null).collectList().block(TIMEOUT);

        List<SseEvent> joined = new ArrayList<>(List.of(first));
        joined.addAll(rest);
        assertThat(first.event()).isEqualTo("created");
        assertThat(joined).isEqualTo(whole);
        assertThat(whole).extracting(SseEvent::event).containsExactly("created", "pr_linked", "terminal");
    }

    @Test
    void feed_resumedMidStream_losesAndRepeatsNothing() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(400)), b -> b);
        // One reader follows the feed all along; another reads two messages, leaves, and comes back.
        CompletableFuture<SseEvent> connected = new CompletableFuture<>();
        var whole = h.stream("/events", null).doOnNext(connected::complete).take(1 + 6).collectList().toFuture();
        connected.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        SseEvent snapshot = h.stream("/events", null).blockFirst(TIMEOUT);
        assertThat(snapshot.event()).isEqualTo("snapshot");

        h.create("first");
        List<SseEvent> early = h.stream("/events", snapshot.id()).take(2).collectList().block(TIMEOUT);
        h.create("second");
        List<SseEvent> late = h.stream("/events", early.get(1).id()).take(4).collectList().block(TIMEOUT);

        List<SseEvent> joined = new ArrayList<>(early);
        joined.addAll(late);
        List<SseEvent> expected = whole.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join().subList(1, 7);
        assertThat(joined).isEqualTo(expected);
        assertThat(joined).extracting(SseEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void feed_resumedPastItsBoundedHistory_getsASnapshotOfEveryJob() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b.feedHistory(2));
        String a = h.create("one");
        String b = h.create("two");
        h.stream("/jobs/" + a + "/events", null).blockLast(TIMEOUT);
        h.stream("/jobs/" + b + "/events", null).blockLast(TIMEOUT);

        SseEvent resumed = h.stream("/events", h.gatewayEpochId(1)).blockFirst(TIMEOUT);

        assertThat(resumed.event()).isEqualTo("snapshot");
        assertThat(resumed.seq()).isEqualTo(6L);
        JsonNode jobs = GatewayHarness.json(resumed.data()).get("jobs");
        assertThat(jobs).extracting(j -> j.get("jobId").asText()).containsExactly(b, a);
        assertThat(jobs).extracting(j -> j.get("kind").asText()).containsOnly("terminal");
        // Within the bound, the same feed replays exactly what is missed.
        assertThat(h.stream("/events", h.gatewayEpochId(4)).take(2).collectList().block(TIMEOUT))
                .extracting(SseEvent::seq).containsExactly(5L, 6L);
    }

    @Test
    void idFromAnotherGatewayProcess_isNeverTakenForAPositionHere() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b);
        String id = h.create("after a restart");
        h.stream("/jobs/" + id + "/events", null).blockLast(TIMEOUT);

        List<SseEvent> job = h.stream("/jobs/" + id + "/events", "otherepoch-2").collectList().block(TIMEOUT);
        SseEvent feed = h.stream("/events", "otherepoch-2").blockFirst(TIMEOUT);

        assertThat(job).extracting(SseEvent::event).containsExactly("created", "pr_linked", "terminal");
        assertThat(feed.event()).isEqualTo("snapshot");
    }

    @Test
    void streamsThatEnd_leaveTheHub_soClientsThatComeAndGoDoNotGrowIt() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMinutes(5)), b -> b);
        for (int round = 0; round < 3; round++) {
            List<reactor.core.Disposable> open = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                open.add(h.stream("/events", null).subscribe());
            }
            reactor.core.publisher.Flux.interval(Duration.ofMillis(20))
                    .filter(t -> h.gateway.hub().feedFollowers() == 20).blockFirst(TIMEOUT);
            open.forEach(reactor.core.Disposable::dispose);
            reactor.core.publisher.Flux.interval(Duration.ofMillis(20))
                    .filter(t -> h.gateway.hub().feedFollowers() == 0 && h.gateway.openStreams() == 0)
                    .blockFirst(TIMEOUT);
        }
        assertThat(h.gateway.hub().feedFollowers()).isZero();
    }

    @Test
    void idleStream_getsHeartbeatComments() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMinutes(5)), b -> b.heartbeat(Duration.ofMillis(200)));
        SseParser parser = new SseParser();
        h.stream("/events", null, GatewayHarness.bearer(), parser).take(Duration.ofMillis(1500)).blockLast(TIMEOUT);
        assertThat(parser.comments()).contains("ping");
        assertThat(parser.comments().size()).isBetween(3, 9);
    }
}
