package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobCodecTest {

    private static final ApiKey KEY = ApiKey.of("mint_codec_test_secret");

    private static Job decode(String json) throws JobCodec.DecodeException {
        return JobCodec.decodeJob(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesAFullJob() throws Exception {
        Job job = decode("""
                {"id":"job_1","status":"completed","source":{"repository":"https://github.com/o/r","ref":"main"},
                 "model":"m1","prLink":"https://github.com/o/r/pull/1",
                 "createdAt":"2026-01-02T03:04:05Z","archivedAt":"2026-01-03T00:00:00.5+01:00"}""");
        assertThat(job).isEqualTo(new Job("job_1", JobStatus.COMPLETED,
                new Job.Source("https://github.com/o/r", "main"), "m1", "https://github.com/o/r/pull/1",
                Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T23:00:00.5Z")));
    }

    @Test
    void snapshotsShareTheRequestedIdAndRepeatedStrings() throws Exception {
        String knownId = new String("job_7");
        String body = "{\"id\":\"job_7\",\"status\":\"active\",\"model\":\"m1\","
                + "\"source\":{\"repository\":\"https://github.com/o/r\",\"ref\":\"b\"}}";
        Job a = JobCodec.decodeJob(body.getBytes(StandardCharsets.UTF_8), knownId);
        Job b = JobCodec.decodeJob(body.getBytes(StandardCharsets.UTF_8), "another");
        assertThat(a.id()).isSameAs(knownId);
        assertThat(b.id()).isEqualTo("job_7").isNotSameAs(knownId);
        assertThat(a.source().repository()).isSameAs(b.source().repository());
        assertThat(a.model()).isSameAs(b.model());
    }

    @Test
    void scalarsOfOtherTypesReadAsText() throws Exception {
        assertThat(decode("{\"id\":123,\"status\":\"active\"}").id()).isEqualTo("123");
    }

    @Test
    void ignoresUnknownFieldsAndMapsUnknownStatus() throws Exception {
        Job job = decode("{\"id\":\"j\",\"status\":\"paused-by-moon\",\"newField\":{\"x\":[1,2]},\"n\":3}");
        assertThat(job.id()).isEqualTo("j");
        assertThat(job.status()).isEqualTo(JobStatus.UNKNOWN);
        assertThat(job.isTerminal()).isFalse();
    }

    @Test
    void unknownStatus_keepsTheServersValue_knownStatusDoesNot() throws Exception {
        Job queued = decode("{\"id\":\"j\",\"status\":\"queued\"}");
        assertThat(queued.rawStatus()).isEqualTo("queued");
        assertThat(queued.statusText()).isEqualTo("queued");
        assertThat(decode("{\"id\":\"j\",\"status\":\"Active\"}").rawStatus()).isNull();
        assertThat(queued.withStatus(JobStatus.COMPLETED).statusText()).isEqualTo("completed");
    }

    @Test
    void toleratesMissingAndNullFields() throws Exception {
        Job job = decode("{}");
        assertThat(job).isEqualTo(new Job(null, JobStatus.UNKNOWN, null, null, null, null, null));
        assertThat(decode("{\"id\":\"j\",\"source\":null,\"prLink\":null}").source()).isNull();
    }

    @Test
    void aBadTimestampLosesOnlyThatField() throws Exception {
        Job job = decode("{\"id\":\"j\",\"status\":\"active\",\"createdAt\":\"yesterday\"}");
        assertThat(job.createdAt()).isNull();
        assertThat(job.status()).isEqualTo(JobStatus.ACTIVE);
    }

    @Test
    void rejectsNonJsonAndWrongShapes() {
        for (String body : new String[] {"", "not json", "[{\"id\":\"j\"}]", "\"job\"", "42", "null",
                "{\"id\":\"j\"", "{\"id\":{\"nested\":true}}"}) {
            assertThatThrownBy(() -> decode(body)).as(body).isInstanceOf(JobCodec.DecodeException.class);
        }
    }

    @Test
    void decodeErrorMessagesDoNotQuoteTheBody() {
        assertThatThrownBy(() -> decode("secret-looking-body"))
                .hasMessageNotContaining("secret-looking-body");
    }

    @Test
    void encodesThePromptAsJson() {
        String json = new String(JobCodec.encodePrompt("say \"hi\"\n"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"prompt\":\"say \\\"hi\\\"\\n\"}");
    }

    @Test
    void readsTheErrorTextOfJsonAndPlainBodies() {
        assertThat(JobCodec.errorText(bytes("{\"error\":\"job not found\"}"), KEY)).isEqualTo("job not found");
        assertThat(JobCodec.errorText(bytes("{\"error\":\"two\\nlines\"}"), KEY)).isEqualTo("two lines");
        assertThat(JobCodec.errorText(bytes("{\"message\":\"x\"}"), KEY)).isNull();
        assertThat(JobCodec.errorText(bytes("Bad Gateway"), KEY)).isEqualTo("Bad Gateway");
        assertThat(JobCodec.errorText(bytes("<html><body>oops</body></html>"), KEY)).isNull();
        assertThat(JobCodec.errorText(bytes(""), KEY)).isNull();
        assertThat(JobCodec.errorText(bytes("x".repeat(5000)), KEY)).isNull();
    }

    @Test
    void errorText_redactsTheKeyBeforeCuttingTheText() {
        String padded = "x".repeat(190) + " " + KEY.reveal() + " tail";
        String text = JobCodec.errorText(bytes("{\"error\":\"" + padded + "\"}"), KEY);
        assertThat(text).doesNotContain("mint_").contains(" [REDACT");
    }

    @Test
    void aJobWithoutIdIsTheJobAskedFor() throws Exception {
        Job job = JobCodec.decodeJob(bytes("{\"status\":\"active\"}"), "job_9");
        assertThat(job.id()).isEqualTo("job_9");
    }

    @Test
    void notJsonErrorsDoNotCarryTheParsersQuoteOfTheBody() {
        assertThatThrownBy(() -> decode("{\"id\": mint_codec_test_secret}"))
                .isInstanceOf(JobCodec.DecodeException.class)
                .hasNoCause()
                .hasMessageNotContaining("mint_");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
