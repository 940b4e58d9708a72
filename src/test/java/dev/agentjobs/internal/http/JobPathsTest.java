package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class JobPathsTest {

    private final JobPaths paths = new JobPaths(URI.create("https://api.example.com"), "proj");

    @Test
    void buildsTheThreeEndpoints() {
        assertThat(paths.jobs()).isEqualTo("https://api.example.com/v2/agent/proj/job");
        assertThat(paths.job("abc")).isEqualTo("https://api.example.com/v2/agent/proj/job/abc");
        assertThat(paths.messages("abc")).isEqualTo("https://api.example.com/v2/agent/proj/job/abc/message");
    }

    @Test
    void keepsABaseUrlPathPrefix_withOrWithoutTrailingSlash() {
        assertThat(new JobPaths(URI.create("http://127.0.0.1:8080/gateway/mintlify/"), "p").job("j"))
                .isEqualTo("http://127.0.0.1:8080/gateway/mintlify/v2/agent/p/job/j");
        assertThat(new JobPaths(URI.create("http://127.0.0.1:8080/gateway"), "p").jobs())
                .isEqualTo("http://127.0.0.1:8080/gateway/v2/agent/p/job");
    }

    @Test
    void encodesDelimitersSoAnIdStaysOneSegment() {
        assertThat(JobPaths.encodeSegment("a b")).isEqualTo("a%20b");
        assertThat(JobPaths.encodeSegment("a/b")).isEqualTo("a%2Fb");
        assertThat(JobPaths.encodeSegment("a?b")).isEqualTo("a%3Fb");
        assertThat(JobPaths.encodeSegment("a#b")).isEqualTo("a%23b");
        assertThat(JobPaths.encodeSegment("100%")).isEqualTo("100%25");
        assertThat(JobPaths.encodeSegment("a+b;c=d")).isEqualTo("a%2Bb%3Bc%3Dd");
        assertThat(paths.messages("x/../y?z")).isEqualTo(
                "https://api.example.com/v2/agent/proj/job/x%2F..%2Fy%3Fz/message");
    }

    @Test
    void encodesNonAsciiAsUtf8() {
        assertThat(JobPaths.encodeSegment("é")).isEqualTo("%C3%A9");
        assertThat(JobPaths.encodeSegment("日")).isEqualTo("%E6%97%A5");
        assertThat(JobPaths.encodeSegment("\uD83D\uDE00")).isEqualTo("%F0%9F%98%80");
    }

    @Test
    void keepsUnreservedCharacters() {
        assertThat(JobPaths.encodeSegment("job_AZaz09-._~")).isEqualTo("job_AZaz09-._~");
    }

    @Test
    void encodesDotSegmentsSoTheyAreNotCollapsed() {
        assertThat(JobPaths.encodeSegment(".")).isEqualTo("%2E");
        assertThat(JobPaths.encodeSegment("..")).isEqualTo("%2E%2E");
        assertThat(JobPaths.encodeSegment("a.b")).isEqualTo("a.b");
    }

    @Test
    void encodesTheProjectIdToo() {
        assertThat(new JobPaths(URI.create("https://h"), "my project").jobs())
                .isEqualTo("https://h/v2/agent/my%20project/job");
    }
}
