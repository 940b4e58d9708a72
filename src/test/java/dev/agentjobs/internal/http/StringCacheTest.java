package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class StringCacheTest {

    @Test
    void equalStringsComeBackAsOneInstance() {
        StringCache cache = new StringCache(16);
        String first = new String("https://github.com/acme/docs");
        String second = new String("https://github.com/acme/docs");
        assertThat(cache.canonical(first)).isSameAs(first);
        assertThat(cache.canonical(second)).isSameAs(first);
    }

    @Test
    void aCollisionReplacesTheSlotAndNeverReturnsAnUnequalString() {
        StringCache cache = new StringCache(1);
        assertThat(cache.canonical("a")).isEqualTo("a");
        assertThat(cache.canonical("b")).isEqualTo("b");
        String a = new String("a");
        assertThat(cache.canonical(a)).isSameAs(a);
        assertThat(cache.canonical(null)).isNull();
    }

    @Test
    void sizeMustBeAPowerOfTwo() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StringCache(100)).withMessageContaining("100");
    }
}
