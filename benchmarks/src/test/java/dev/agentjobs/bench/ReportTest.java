package dev.agentjobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aggregate_putsTheLowestAndHighestRoundBesideEachMedian() {
        List<JsonNode> runs = List.of(run("agentjobs", 10_000, 80, 700, 2.6), run("agentjobs", 10_000, 75, 668, 2.4),
                run("agentjobs", 10_000, 85, 679, 3.1));

        ObjectNode r = Report.aggregate(runs).get(0);

        assertThat(r.path("cpuMicrosPerPoll").asDouble()).isEqualTo(80);
        assertThat(r.path("spread").path("cpuMicrosPerPoll")).containsExactly(JSON.valueToTree(75.0),
                JSON.valueToTree(85.0));
        assertThat(r.path("heapBytesPerJob").asDouble()).isEqualTo(679);
        assertThat(r.path("spread").path("heapBytesPerJob").path(0).asDouble()).isEqualTo(668);
        assertThat(r.path("latenessMs").path("p99").asDouble()).isEqualTo(2.6);
        assertThat(r.path("spread").path("latenessMs.p99").path(1).asDouble()).isEqualTo(3.1);
    }

    @Test
    void aggregate_leavesFailedRoundsOutOfTheSpread() {
        ObjectNode failed = JSON.createObjectNode().put("scenario", "watch").put("impl", "threads").put("jobs", 10_000)
                .put("status", "failed").put("reason", "unable to create native thread");
        List<JsonNode> runs = List.of(run("threads", 10_000, 900, 20_000, 1), failed, run("threads", 10_000, 1_100,
                21_000, 1));

        ObjectNode r = Report.aggregate(runs).get(0);

        assertThat(r.path("rounds").asInt()).isEqualTo(2);
        assertThat(r.path("spread").path("cpuMicrosPerPoll").path(0).asDouble()).isEqualTo(900);
        assertThat(r.path("spread").path("cpuMicrosPerPoll").path(1).asDouble()).isEqualTo(1_100);
        assertThat(r.path("note").asText()).contains("1 of 3 rounds");
    }

    @Test
    void peer_isTheVirtualThreadVariantWithTheLowerMedianCpuAtEachN() {
        ArrayNode results = results(run("virtual-threads", 1_000, 180, 45_000, 1),
                run("virtual-threads-tuned", 1_000, 190, 44_000, 1), run("virtual-threads", 10_000, 250, 25_000, 1),
                run("virtual-threads-tuned", 10_000, 200, 23_000, 1));

        Report.markVirtualThreadsPeer(results);

        assertThat(peers(results)).containsExactly("virtual-threads@1000", "virtual-threads-tuned@10000");
    }

    @Test
    void peer_isNeverAVariantThatFailed() {
        ObjectNode failed = JSON.createObjectNode().put("scenario", "watch").put("impl", "virtual-threads-tuned")
                .put("jobs", 10_000).put("status", "skipped").put("reason", "virtual threads need JDK 21+");
        ArrayNode results = results(run("virtual-threads", 10_000, 250, 25_000, 1), failed);

        Report.markVirtualThreadsPeer(results);

        assertThat(peers(results)).containsExactly("virtual-threads@10000");
    }

    @Test
    void ratios_compareWithThePeerAndTheirRangesPairTheRoundsExtremes() {
        List<JsonNode> runs = new ArrayList<>();
        for (double cpu : new double[] {72, 80, 90}) {
            runs.add(run("agentjobs", 10_000, cpu, 700, 1));
        }
        for (double cpu : new double[] {60, 70, 80}) {
            runs.add(run("raw-netty", 10_000, cpu, 800, 1));
        }
        for (double cpu : new double[] {240, 250, 260}) {
            runs.add(run("virtual-threads", 10_000, cpu, 25_000, 1));
        }
        for (double cpu : new double[] {150, 160, 170}) {
            runs.add(run("virtual-threads-tuned", 10_000, cpu, 16_000, 1));
        }
        ArrayNode results = JSON.createArrayNode();
        Report.aggregate(runs).forEach(results::add);
        Report.markVirtualThreadsPeer(results);

        ObjectNode ratios = Report.ratios(results, false);
        ObjectNode ranges = Report.ratios(results, true);

        assertThat(ratios.path("cpuPerPoll_agentjobs_over_raw").asDouble()).isEqualTo(1.14);
        assertThat(ranges.path("cpuPerPoll_agentjobs_over_raw").path(0).asDouble()).isEqualTo(0.9);
        assertThat(ranges.path("cpuPerPoll_agentjobs_over_raw").path(1).asDouble()).isEqualTo(1.5);
        assertThat(ratios.path("cpuPerPoll_virtualThreads_over_agentjobs").asDouble()).isEqualTo(2.0);
        assertThat(ratios.path("heapPerJob_virtualThreads_over_agentjobs").asDouble()).isEqualTo(22.86);
        assertThat(ratios.path("cpuPerPoll_adaptive_over_agentjobs").isNull()).isTrue();
    }

    private static ObjectNode run(String impl, int jobs, double cpu, double heap, double p99) {
        ObjectNode r = JSON.createObjectNode().put("scenario", "watch").put("impl", impl).put("jobs", jobs)
                .put("status", "ok").put("cpuMicrosPerPoll", cpu).put("heapBytesPerJob", heap).put("threads", 7)
                .put("polls", 30_000).put("errors", 0).put("pollsPerS", 2_000).put("targetPollsPerS", 2_000)
                .put("cpuUtilisation", 0.2).put("gcCountInWindow", 3).put("gcMsInWindow", 40).put("intervalMs", 5_000)
                .put("windowS", 15);
        r.putObject("latenessMs").put("p50", 0.1).put("p99", p99).put("max", 20);
        r.putObject("answerMs").put("p50", 0.2).put("p99", 1.5);
        return r;
    }

    private static ArrayNode results(ObjectNode... runs) {
        ArrayNode results = JSON.createArrayNode();
        Report.aggregate(List.of(runs)).forEach(results::add);
        return results;
    }

    private static List<String> peers(ArrayNode results) {
        List<String> peers = new ArrayList<>();
        for (JsonNode r : results) {
            if (r.path("peer").asBoolean()) {
                peers.add(r.path("impl").asText() + "@" + r.path("jobs").asInt());
            }
        }
        return peers;
    }
}
