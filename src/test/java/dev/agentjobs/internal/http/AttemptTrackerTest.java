package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.context.Context;

class AttemptTrackerTest {

    /** A request of a foreign implementation: Reactor Netty's "headers sent" flag cannot be read from it. */
    private static HttpClientRequest foreignRequest() {
        return (HttpClientRequest) Proxy.newProxyInstance(AttemptTrackerTest.class.getClassLoader(),
                new Class<?>[] {HttpClientRequest.class}, (p, m, a) -> null);
    }

    @Test
    void beforeAnyConnection_theServerCannotHaveSeenIt() {
        assertThat(new AttemptTracker().mayHaveReachedServer()).isFalse();
    }

    @Test
    void onceWrittenOrAnswered_itMayHave() {
        AttemptTracker written = new AttemptTracker();
        written.requestWritten();
        assertThat(written.mayHaveReachedServer()).isTrue();
        AttemptTracker answered = new AttemptTracker();
        answered.responded();
        assertThat(answered.mayHaveReachedServer()).isTrue();
    }

    @Test
    void preparedWithoutProofThatHeadersStayedUnsent_isAmbiguous() {
        AttemptTracker t = new AttemptTracker();
        t.requestPrepared(foreignRequest(), null);
        assertThat(t.mayHaveReachedServer()).isTrue();
    }

    @Test
    void isFoundInTheContext() {
        AttemptTracker t = new AttemptTracker();
        assertThat(AttemptTracker.from(Context.of(AttemptTracker.key(), t))).isSameAs(t);
        assertThat(AttemptTracker.from(Context.empty())).isNull();
    }

    @Test
    void abortWithoutConnectionIsHarmless() {
        new AttemptTracker().abort();
    }
}
