package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamQuotaTest {

    @Test
    void capsEachPrincipalSeparately_andFreesASlotOnRelease() {
        StreamQuota q = new StreamQuota(2);
        assertThat(q.tryAcquire("a")).isTrue();
        assertThat(q.tryAcquire("a")).isTrue();
        assertThat(q.tryAcquire("a")).isFalse();
        assertThat(q.tryAcquire("b")).isTrue();
        assertThat(q.total()).isEqualTo(3);
        q.release("a");
        assertThat(q.tryAcquire("a")).isTrue();
        q.release("a");
        q.release("a");
        q.release("b");
        assertThat(q.total()).isZero();
    }
}
