package dev.agentjobs.fanout;

import static dev.agentjobs.fanout.JobLedgerContractTest.TIMEOUT;
import static dev.agentjobs.fanout.JobLedgerContractTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
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
        writer = open("w.ledger.db", LedgerWriter.DEFAULT_LINGER);
    }

    private LedgerWriter open(String name, Duration linger) {
        Path file = dir.resolve(name);
        return new LedgerWriter(file, new SqliteLedgerStore(LedgerSchema.open(file, "2026-01-01T00:00:00.000Z")),
                linger, true);
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
        CountDownLatch release = new CountDownLatch(1);
        Mono<Boolean> first = hold(writer, release);
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

    /** Holds the writer in a batch of its own until {@code release} opens; returns that batch's result. */
    private Mono<Boolean> hold(LedgerWriter w, CountDownLatch release) throws InterruptedException {
        CountDownLatch writerBusy = new CountDownLatch(1);
        Mono<Boolean> held = w.submit(store -> {
            writerBusy.countDown();
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }).cache();
        held.subscribe();
        assertThat(writerBusy.await(10, TimeUnit.SECONDS)).isTrue();
        return held;
    }

    private static Void put(SqliteLedgerStore store, String key) throws SQLException {
        store.exec("INSERT INTO meta (key, value) VALUES ('" + key + "', 'x')");
        return null;
    }

    private static long rows(LedgerWriter w, String key) {
        return await(w.submit(store -> store.queryLong("SELECT count(*) FROM meta WHERE key = '" + key + "'")));
    }

    @Test
    void anOperationFailingAfterItWrote_isUndoneAlone_itsBatchMatesCommit() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Mono<Boolean> held = hold(writer, release);
        Mono<Void> before = writer.<Void>submit(store -> put(store, "before")).cache();
        Mono<Void> failing = writer.<Void>submit(store -> {
            put(store, "half-done");
            throw new IllegalStateException("refused after writing");
        }).cache();
        Mono<Void> after = writer.<Void>submitSynced(store -> put(store, "after")).cache();
        List.of(before, failing, after).forEach(m -> m.subscribe(v -> { }, e -> { }));
        long commits = writer.commits();
        release.countDown();

        assertThat(held.block(TIMEOUT)).isTrue();
        before.block(TIMEOUT);
        after.block(TIMEOUT);
        assertThat(failing.then(Mono.just("ok")).onErrorResume(e -> Mono.just(e.getMessage())).block(TIMEOUT))
                .isEqualTo("refused after writing");
        // The held batch, then the three together (run again, isolated, once the failure showed).
        assertThat(writer.commits() - commits).isEqualTo(2);
        assertThat(rows(writer, "before")).isEqualTo(1);
        assertThat(rows(writer, "after")).isEqualTo(1);
        assertThat(rows(writer, "half-done")).isZero();
    }

    @Test
    void deferredOperation_ridesInTheNextTransaction_withoutOneOfItsOwn() {
        LedgerWriter lingering = open("defer.ledger.db", Duration.ofMinutes(10));
        try {
            long commits = lingering.commits();
            Mono<Void> deferred = lingering.<Void>submitDeferred(store -> put(store, "deferred")).cache();
            deferred.subscribe();
            // A synced claim queued after it: one transaction, synced, holds both (the deferred one first).
            Long seen = await(lingering.submitSynced(store -> store.queryLong(
                    "SELECT count(*) FROM meta WHERE key = 'deferred'")));

            assertThat(seen).isEqualTo(1);
            deferred.block(TIMEOUT);
            assertThat(lingering.commits() - commits).isEqualTo(1);
            assertThat(lingering.syncedCommits()).isEqualTo(1);
        } finally {
            lingering.close();
        }
    }

    @Test
    void deferredOperations_alone_commitAfterTheLinger_together() {
        LedgerWriter lingering = open("alone.ledger.db", Duration.ofMillis(200));
        try {
            long commits = lingering.commits();
            Flux.range(0, 20).flatMap(i -> lingering.<Void>submitDeferred(store -> put(store, "d" + i)))
                    .then().block(TIMEOUT);

            // Nothing else came to ride along: the writer ran them itself, in far fewer than 20 transactions.
            assertThat(lingering.commits() - commits).isBetween(1L, 5L);
            long rows = await(lingering.submit(store -> store.queryLong(
                    "SELECT count(*) FROM meta WHERE key LIKE 'd%'")));
            assertThat(rows).isEqualTo(20);
        } finally {
            lingering.close();
        }
    }

    @Test
    void close_commitsDeferredOperationsAtOnce() {
        Path file = dir.resolve("close.ledger.db");
        LedgerWriter lingering = open("close.ledger.db", Duration.ofMinutes(10));
        Mono<Void> deferred = lingering.<Void>submitDeferred(store -> put(store, "deferred")).cache();
        deferred.subscribe();
        lingering.close();   // well within the 10 minutes

        deferred.block(TIMEOUT);
        LedgerWriter reopened = new LedgerWriter(file, new SqliteLedgerStore(LedgerSchema.open(file, "unused")));
        try {
            assertThat(rows(reopened, "deferred")).isEqualTo(1);
        } finally {
            reopened.close();
        }
    }
}
