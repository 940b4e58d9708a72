package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventIdTest {

    @Test
    void parsesEpochAndSequence_andIgnoresAnythingElse() {
        assertThat(EventId.parse("mx4q7-12")).isEqualTo(new EventId("mx4q7", 12));
        assertThat(EventId.parse(" mx4q7-0 ")).isEqualTo(new EventId("mx4q7", 0));
        for (String bad : new String[] {null, "", "12", "-12", "abc-", "abc-x", "abc--1", "a-" + "9".repeat(70)}) {
            assertThat(EventId.parse(bad)).as(String.valueOf(bad)).isNull();
        }
    }

    @Test
    void frameIds_areAsciiAndParseBack() {
        Frame f = Frame.of("mx4q7", 3, "terminal", "{\"a\":\"\u00e9\"}");
        String text = new String(f.bytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("id: mx4q7-3\nevent: terminal\ndata: {\"a\":\"\u00e9\"}\n\n");
        assertThat(EventId.parse("mx4q7-3").seq()).isEqualTo(3);
    }
}
