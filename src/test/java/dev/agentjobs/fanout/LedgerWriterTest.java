package dev.agentjobs.fanout;

import static dev.agentjobs.fanout.JobLedgerContractTest.TIMEOUT;
import static dev.agentjobs.fanout.JobLedgerContractTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The writer's durability per operation: the {@code synchronous} level each transaction commits under. */
class LedgerWriterTest {

    private static final long NORMAL = 1;
    private static final long FULL = 2;

    @TempDir
    Path dir;

    private LedgerWriter writer;

    @BeforeEach
    void open() {
        Path file = dir.resolve("w.ledger.db");
        writer = new LedgerWriter(file, new SqliteLedgerStore(LedgerSchema.open(file, "2026-01-01T00:00:00.000Z")));
    }

    @AfterEach
    void close() {
        writer.close();
    }

    private static long level(SqliteLedgerStore store) throws java.sql.SQLException {
        return store.queryLong("PRAGMA synchronous");
    }

    @Test
    void plainWork_commitsUnderNormal_syncedWorkUnderFull() {
        assertThat(await(writer.submit(LedgerWriterTest::level))).isEqualTo(NORMAL);
        assertThat(await(writer.submitSynced(LedgerWriterTest::level))).isEqualTo(FULL);
        assertThat(await(writer.submit(LedgerWriterTest::level))).isEqualTo(NORMAL);

        assertThat(writer.commits()).isEqualTo(3);
        assertThat(writer.syncedCommits()).isEqualTo(1);
    }

    @Test
    void oneSyncedOperation_syncsItsWholeBatch() throws InterruptedException {
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Mono<Boolean> first = writer.submit(store -> {
            writerBusy.countDown();
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }).cache();
        first.subscribe();
        assertThat(writerBusy.await(10, TimeUnit.SECONDS)).isTrue();
        // Queued while the writer is held in the first batch: drained together into the next one.
        Mono<Long> plain = writer.submit(LedgerWriterTest::level).cache();
        Mono<Long> synced = writer.submitSynced(LedgerWriterTest::level).cache();
        plain.subscribe();
        synced.subscribe();
        long before = writer.commits();
        release.countDown();

        assertThat(first.block(TIMEOUT)).isTrue();
        assertThat(plain.block(TIMEOUT)).isEqualTo(FULL);
        assertThat(synced.block(TIMEOUT)).isEqualTo(FULL);
        assertThat(writer.commits() - before).isEqualTo(2);   // the held batch, then the two together
        assertThat(writer.syncedCommits()).isEqualTo(1);
    }
}
