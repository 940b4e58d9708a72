package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurationModelTest {

    /** Teaches a job of {@code seconds}, seen by polls every {@code every} seconds from its creation. */
    private static void learn(DurationModel model, double seconds, double every) {
        long running = (long) (Math.floor(seconds / every) * every * 1000);
        model.observeEnded(running, running + (long) (every * 1000));
    }

    @Test
    void coldStart_isNotReadyUntilThirtyJobsEnded() {
        DurationModel model = DurationModel.learning();
        for (int i = 0; i < DurationModel.MIN_JOBS - 1; i++) {
            learn(model, 100, 5);
        }
        assertThat(model.isReady()).isFalse();
        learn(model, 100, 5);
        assertThat(model.isReady()).isTrue();
    }

    @Test
    void intervalCensoredEnds_learnALogNormal() {
        DurationModel model = DurationModel.learning();
        Random random = new Random(3);
        for (int i = 0; i < 1_000; i++) {
            learn(model, 180 * Math.exp(0.6 * random.nextGaussian()), 10);
        }
        assertThat(model.fit().quantile(0.5)).isCloseTo(180, within(180 * 0.06));
        assertThat(model.fit().quantile(0.9)).isCloseTo(180 * Math.exp(0.6 * 1.2816), within(390 * 0.08));
    }

    @Test
    void rightCensored_jobsGoToLaterAges_asKaplanMeier() {
        DurationModel model = DurationModel.learning();
        for (int i = 0; i < 100; i++) {
            model.observeEnded(29_000, 31_000);
            model.observeRunning(60_000);
            model.observeEnded(119_000, 121_000);
        }
        // Dropping the cut-short watches would say half end by 90 s, counting them as ended two thirds; they ran
        // past 60 s, so they end like the jobs that did: a third by 90 s (plus what smoothing moves across).
        assertThat(model.fit().cdf(90)).isCloseTo(1.0 / 3, within(0.07));
    }

    @Test
    void rightCensored_passOnWhatTheyReceived_soTheMassPastTheOldestEndIsKaplanMeiers() {
        DurationModel model = DurationModel.learning();
        for (int i = 0; i < 30; i++) {
            model.observeEnded(29_000, 31_000);
            model.observeRunning(60_000);
            model.observeEnded(79_000, 81_000);
            model.observeRunning(100_000);
        }
        // (The fit is from the latest refit, a job or two behind.) KM: S = 3/4 after the ends at 30 s; at 80 s half of the 60 still at risk end: S = 3/8, and nothing is
        // known past the cut-offs at 100 s. Handing the 60 s cut-offs to the 80 s ends only would leave 1/4.
        assertThat(model.fit().unplaced()).isCloseTo(0.375, within(0.01));
        assertThat(model.fit().cdf(50)).isCloseTo(0.25, within(0.03));
    }

    @Test
    void memory_isBounded_andOlderJobsAreDiscounted() {
        DurationModel model = DurationModel.learning();
        for (int i = 0; i < 3_000; i++) {
            learn(model, 100, 5);
        }
        for (int i = 0; i < 1_000; i++) {
            learn(model, 400, 5);
        }
        assertThat(model.endedJobs()).isLessThanOrEqualTo(DurationModel.MEMORY_JOBS + 1e-9);
        // After 1,000 jobs twice as long... four times here, the fit follows them.
        assertThat(model.fit().quantile(0.5)).isGreaterThan(300);
    }

    @Test
    void saveAndLoad_keepTheSchedule(@TempDir Path dir) {
        DurationModel model = DurationModel.learning();
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            learn(model, 180 * Math.exp(0.6 * random.nextGaussian()), 5);
        }
        model.recordStillRunning(Duration.ofMinutes(9));
        Path file = dir.resolve("model.json");
        model.save(file);
        DurationModel loaded = DurationModel.load(file);
        assertThat(loaded.endedJobs()).isCloseTo(model.endedJobs(), within(1e-3));
        for (double q : new double[] {0.1, 0.5, 0.9}) {
            // The live fit may be up to 5% of jobs old; the loaded one is fitted afresh.
            assertThat(loaded.fit().quantile(q)).isCloseTo(model.fit().quantile(q), within(model.fit().quantile(q) * 0.02));
        }
        assertThat(file.toFile().length()).isLessThan(10_000);
        assertThat(DurationModel.fromJson(model.toJson()).toJson()).isEqualTo(model.toJson());
    }

    @Test
    void load_refusesWhatIsNotAModel(@TempDir Path dir) throws Exception {
        String good = DurationModel.learning().toJson();
        assertThatThrownBy(() -> DurationModel.fromJson("{}")).hasMessageContaining("not a duration model");
        assertThatThrownBy(() -> DurationModel.fromJson(good.replace("\"bins\":304", "\"bins\":10")))
                .hasMessageContaining("another grid");
        assertThatThrownBy(() -> DurationModel.fromJson(good.replace("\"endedJobs\":0.0", "\"endedJobs\":-1")))
                .hasMessageContaining("endedJobs");
        Path big = dir.resolve("big.json");
        Files.writeString(big, " ".repeat(DurationModelJson.MAX_BYTES + 1));
        assertThatThrownBy(() -> DurationModel.load(big)).hasMessageContaining("larger than");
    }

    @Test
    void frozenCopy_learnsNothing_andKnownModelsAreReadyAtOnce() {
        DurationModel frozen = DurationModel.learning().frozenCopy();
        for (int i = 0; i < 50; i++) {
            frozen.recordEnded(Duration.ofSeconds(10), Duration.ofSeconds(15));
        }
        assertThat(frozen.isReady()).isFalse();
        DurationModel known = DurationModel.known(d -> d.toSeconds() >= 60 ? 1 : 0);
        assertThat(known.isReady()).isTrue();
        assertThat(known.fit().quantile(0.5)).isBetween(57.0, 60.0);
        assertThatThrownBy(() -> frozen.recordEnded(Duration.ofSeconds(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
