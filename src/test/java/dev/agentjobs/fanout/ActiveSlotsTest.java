package dev.agentjobs.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActiveSlotsTest {

    @Test
    void acquire_waitsAtTheBound_andAReleaseHandsTheSlotToTheLongestWaiter() {
        ActiveSlots slots = new ActiveSlots(1);
        AtomicInteger granted = new AtomicInteger();
        slots.acquire().subscribe(null, null, granted::incrementAndGet);
        slots.acquire().subscribe(null, null, granted::incrementAndGet);
        assertThat(granted).hasValue(1);

        slots.release();

        assertThat(granted).hasValue(2);
        assertThat(slots.taken()).isEqualTo(1);
    }

    @Test
    void release_afterForcedSlotsPastTheBound_grantsNothingUntilBackUnderIt() {
        // A restart finds 3 jobs active with --max-active 1: they take their slots anyway; new creates must wait
        // until all but one of them ended, not take each freed slot.
        ActiveSlots slots = new ActiveSlots(1);
        slots.force();
        slots.force();
        slots.force();
        AtomicInteger granted = new AtomicInteger();
        slots.acquire().subscribe(null, null, granted::incrementAndGet);
        slots.acquire().subscribe(null, null, granted::incrementAndGet);

        slots.release();
        slots.release();
        assertThat(granted).hasValue(0);
        assertThat(slots.taken()).isEqualTo(1);

        slots.release();
        assertThat(granted).hasValue(1);
        assertThat(slots.taken()).isEqualTo(1);
    }

    @Test
    void aCancelledWait_givesUpItsPlace() {
        ActiveSlots slots = new ActiveSlots(1);
        slots.acquire().subscribe();
        AtomicInteger granted = new AtomicInteger();
        slots.acquire().subscribe(null, null, granted::incrementAndGet).dispose();

        slots.release();

        assertThat(granted).hasValue(0);
        assertThat(slots.taken()).isZero();
    }
}
