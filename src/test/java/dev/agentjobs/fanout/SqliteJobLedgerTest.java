package dev.agentjobs.fanout;

import static dev.agentjobs.fanout.JobLedgerContractTest.PROJECT;
import static dev.agentjobs.fanout.JobLedgerContractTest.T0;
import static dev.agentjobs.fanout.JobLedgerContractTest.TIMEOUT;
import static dev.agentjobs.fanout.JobLedgerContractTest.await;
import static dev.agentjobs.fanout.JobLedgerContractTest.prompts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.fanout.JobLedger.ClaimResult;
import dev.agentjobs.fanout.JobLedger.ClaimResult.Outcome;
import dev.agentjobs.fanout.LedgerException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** What the SQLite ledger adds to the contract: durability, identity checks, group commit, its own thread. */
class SqliteJobLedgerTest {

    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private SqliteJobLedger open(Path file) {
        return SqliteJobLedger.open(file, CLOCK);
    }

    @Test
    void reopen_keepsEveryPromptAndTheCreateLog() {
        Path file = dir.resolve("a.ledger.db");
        try (SqliteJobLedger ledger = open(file)) {
            await(ledger.register(PROJECT, prompts(0, 3)));
            await(ledger.claimForCreate("p0", CreateRate.DEFAULT, false, T0.plusSeconds(1)));
            await(ledger.markCreated("p0", "job-0", T0.plusSeconds(2)));
            await(ledger.claimForCreate("p1", CreateRate.DEFAULT, false, T0.plusSeconds(3)));
        }

        try (SqliteJobLedger ledger = open(file)) {
            assertThat(await(ledger.get("p0"))).isEqualTo(new PromptRecord("p0", PROJECT, "prompt 0",
                    PromptState.CREATED, "job-0", null, null, 1, T0.plusSeconds(1), T0.plusSeconds(2)));
            assertThat(await(ledger.get("p1")).state()).isEqualTo(PromptState.CREATING);
            assertThat(ledger.find(Set.of()).map(PromptRecord::customId).collectList().block(TIMEOUT))
                    .containsExactly("p0", "p1", "p2");
            // p0's entry carries its acceptance time (markCreated), p1's its claim time.
            assertThat(await(ledger.createsSince(PROJECT, T0))).containsExactly(T0.plusSeconds(2),
                    T0.plusSeconds(3));
            assertThat(await(ledger.recoverInterrupted("crash", T0.plusSeconds(9))))
                    .extracting(PromptRecord::customId).containsExactly("p1");
        }
    }

    @Test
    void reopen_keepsRowsRecordedByIdAndReopenedJobs() throws SQLException {
        Path file = dir.resolve("watched.ledger.db");
        try (SqliteJobLedger ledger = open(file)) {
            await(ledger.recordExisting(PROJECT, "w", "job-w", T0.plusSeconds(1)));
            await(ledger.markFinished("w", PromptState.COMPLETED, "https://git.example/pr/1", null, T0.plusSeconds(2)));
            await(ledger.reopen("w", T0.plusSeconds(3)));
        }
        // Rows by id fit the existing schema: an empty prompt (NOT NULL holds), and no create-log entry.
        assertThat(query(file, "SELECT prompt || '|' || state FROM prompts")).isEqualTo("|CREATED");
        assertThat(query(file, "SELECT count(*) FROM create_log")).isEqualTo("0");

        try (SqliteJobLedger ledger = open(file)) {
            assertThat(await(ledger.get("w"))).isEqualTo(new PromptRecord("w", PROJECT, "", PromptState.CREATED,
                    "job-w", null, null, 0, null, T0.plusSeconds(3)));
            assertThat(await(ledger.get("w")).recordedById()).isTrue();
        }
    }

    @Test
    void findByJobId_usesTheJobIdIndex_whichOpeningAVersion1FileWithoutItAdds() throws SQLException {
        Path file = dir.resolve("index.ledger.db");
        SqliteJobLedger.open(file, CLOCK).close();
        // A file written before the index existed.
        exec(file, "DROP INDEX prompts_by_job_id");
        assertThat(query(file, "SELECT count(*) FROM sqlite_schema WHERE name = 'prompts_by_job_id'")).isEqualTo("0");

        try (SqliteJobLedger ledger = SqliteJobLedger.open(file, CLOCK)) {
            ledger.recordExisting("p", "w", "job-1", CLOCK.instant()).block(TIMEOUT);
            assertThat(ledger.findByJobId("job-1").map(PromptRecord::customId).collectList().block(TIMEOUT))
                    .containsExactly("w");
        }
        assertThat(pragma(file, "user_version")).isEqualTo(1);
        try (Connection c = connect(file); Statement st = c.createStatement();
             ResultSet plan = st.executeQuery("EXPLAIN QUERY PLAN SELECT * FROM prompts WHERE job_id = 'job-1'")) {
            StringBuilder detail = new StringBuilder();
            while (plan.next()) {
                detail.append(plan.getString("detail"));
            }
            assertThat(detail.toString()).contains("USING INDEX prompts_by_job_id");
        }
    }

    @Test
    void budget_isRebuiltFromTheFileAfterReopen() {
        Path file = dir.resolve("budget.ledger.db");
        CreateRate rate = new CreateRate(100, Duration.ofHours(1));
        try (SqliteJobLedger ledger = open(file)) {
            await(ledger.register(PROJECT, prompts(0, 200)));
            for (int i = 0; i < 60; i++) {
                assertThat(await(ledger.claimForCreate("p" + i, rate, false, T0.plusSeconds(i))).outcome()).isEqualTo(Outcome.CLAIMED);
            }
        }

        try (SqliteJobLedger ledger = open(file)) {
            Instant restart = T0.plusSeconds(600);
            int claimed = 0;
            ClaimResult last = null;
            for (int i = 60; i < 200; i++) {
                last = await(ledger.claimForCreate("p" + i, rate, false, restart));
                if (last.outcome() != Outcome.CLAIMED) {
                    break;
                }
                claimed++;
            }
            assertThat(claimed).isEqualTo(40);
            assertThat(last).isEqualTo(ClaimResult.overBudget(T0.plus(Duration.ofHours(1))));
        }
    }

    @Test
    void open_emptyFile_becomesALedger() throws IOException, SQLException {
        Path file = Files.createFile(dir.resolve("empty.db"));

        try (SqliteJobLedger ledger = open(file)) {
            assertThat(await(ledger.register(PROJECT, prompts(0, 1)))).isEqualTo(1);
        }
        assertThat(pragma(file, "application_id")).isEqualTo(LedgerSchema.APPLICATION_ID);
        assertThat(pragma(file, "user_version")).isEqualTo(LedgerSchema.VERSION);
        assertThat(query(file, "PRAGMA journal_mode")).isEqualTo("wal");
    }

    @Test
    void open_textFile_isRefusedAndLeftUntouched() throws IOException {
        Path file = dir.resolve("prompts.txt");
        String text = "Refresh the intro page\n".repeat(20);
        Files.writeString(file, text);

        assertRefused(file, Reason.NOT_A_LEDGER, "not an SQLite database");
        assertThat(Files.readString(file)).isEqualTo(text);
        assertThat(dir.resolve("prompts.txt-wal")).doesNotExist();
    }

    @Test
    void open_otherApplicationsDatabase_isRefused() throws SQLException {
        Path file = dir.resolve("other.db");
        exec(file, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");

        assertRefused(file, Reason.NOT_A_LEDGER, "tables of its own");
        assertThat(query(file, "PRAGMA journal_mode")).isEqualTo("delete");
    }

    @Test
    void open_otherApplicationId_isRefused() throws SQLException {
        Path file = dir.resolve("other-id.db");
        exec(file, "PRAGMA application_id = 1234");

        assertRefused(file, Reason.NOT_A_LEDGER, "0x000004D2");
    }

    @Test
    void open_newerSchemaVersion_isRefused() throws SQLException {
        Path file = dir.resolve("newer.ledger.db");
        open(file).close();
        exec(file, "PRAGMA user_version = " + (LedgerSchema.VERSION + 1));

        assertRefused(file, Reason.NEWER_VERSION, "schema version " + (LedgerSchema.VERSION + 1));
    }

    @Test
    void open_missingDirectory_failsWithStorage() {
        assertRefused(dir.resolve("no/such/dir/x.db"), Reason.STORAGE, "no/such/dir");
    }

    @Test
    void tornWrite_lastTransactionCutInTheWal_isRolledBackAndTheRestIsIntact() throws Exception {
        Path file = dir.resolve("torn.ledger.db");
        Path copy = Files.createDirectory(dir.resolve("after-crash")).resolve("torn.ledger.db");
        try (SqliteJobLedger ledger = open(file)) {
            await(ledger.register(PROJECT, prompts(0, 10)));
            await(ledger.claimForCreate("p0", CreateRate.DEFAULT, false, T0));
            long walBefore = Files.size(walOf(file));
            // The last transaction: big enough to span many WAL frames, so the cut lands inside it.
            List<PromptInput> big = List.of(new PromptInput("big", "x".repeat(200_000)));
            await(ledger.register(PROJECT, big));
            long walAfter = Files.size(walOf(file));
            assertThat(walAfter - walBefore).isGreaterThan(10 * 4096L);

            // What a kill -9 during the write leaves: the main file, and a WAL whose last frames never landed.
            Files.copy(file, copy);
            Files.copy(walOf(file), walOf(copy));
            try (FileChannel wal = FileChannel.open(walOf(copy), StandardOpenOption.WRITE)) {
                wal.truncate(walBefore + (walAfter - walBefore) / 2);
            }
        }

        try (SqliteJobLedger recovered = open(copy)) {
            assertThat(await(recovered.get("big"))).isNull();
            assertThat(await(recovered.get("p0")).state()).isEqualTo(PromptState.CREATING);
            assertThat(await(recovered.counts())).isEqualTo(Map.of(PromptState.PENDING, 9L,
                    PromptState.CREATING, 1L));
            assertThat(await(recovered.register(PROJECT, prompts(10, 1)))).isEqualTo(1);
        }
        assertThat(query(copy, "PRAGMA integrity_check")).isEqualTo("ok");
    }

    @Test
    void tornWrite_walCutByAFewBytes_losesOnlyTheLastTransaction() throws Exception {
        Path file = dir.resolve("cut.ledger.db");
        Path copy = Files.createDirectory(dir.resolve("cut")).resolve("cut.ledger.db");
        try (SqliteJobLedger ledger = open(file)) {
            await(ledger.register(PROJECT, prompts(0, 2)));
            await(ledger.claimForCreate("p0", CreateRate.DEFAULT, false, T0));
            await(ledger.markCreated("p0", "job-0", T0));
            Files.copy(file, copy);
            Files.copy(walOf(file), walOf(copy));
            try (FileChannel wal = FileChannel.open(walOf(copy), StandardOpenOption.WRITE)) {
                wal.truncate(wal.size() - 7);
            }
        }

        try (SqliteJobLedger recovered = open(copy)) {
            assertThat(await(recovered.get("p0")))
                    .extracting(PromptRecord::state, PromptRecord::jobId)
                    .containsExactly(PromptState.CREATING, null);
        }
        assertThat(query(copy, "PRAGMA integrity_check")).isEqualTo("ok");
    }

    @Test
    void groupCommit_manyQueuedOperationsShareFewTransactions() {
        try (SqliteJobLedger ledger = open(dir.resolve("group.ledger.db"))) {
            int n = 1_000;
            await(ledger.register(PROJECT, prompts(0, n)));
            Flux.range(0, n).flatMap(i -> ledger.claimForCreate("p" + i, CreateRate.unlimited(), false, T0), n)
                    .then().block(TIMEOUT);
            long before = ledger.commits();

            Flux.range(0, n).flatMap(i -> ledger.markCreated("p" + i, "job-" + i, T0), n).then().block(TIMEOUT);

            long commits = ledger.commits() - before;
            assertThat(commits).isBetween(1L, (long) n / 10);
            assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.CREATED, (long) n));
        }
    }

    @Test
    void durability_onlyClaimsAndReleasesAreSyncedToTheDisk() {
        try (SqliteJobLedger ledger = open(dir.resolve("sync.ledger.db"))) {
            await(ledger.register(PROJECT, prompts(0, 3)));
            assertThat(ledger.syncedCommits()).isZero();

            for (int i = 0; i < 3; i++) {
                await(ledger.claimForCreate("p" + i, CreateRate.unlimited(), false, T0));
            }
            assertThat(ledger.syncedCommits()).isEqualTo(3);

            long commits = ledger.commits();
            await(ledger.markCreated("p0", "job-0", T0));
            await(ledger.markFinished("p0", PromptState.COMPLETED, null, null, T0));
            await(ledger.markInDoubt("p1", "reset", T0));
            assertThat(ledger.commits() - commits).isEqualTo(3);
            assertThat(ledger.syncedCommits()).isEqualTo(3);

            await(ledger.releaseClaim("p2", "429", T0));
            assertThat(ledger.syncedCommits()).isEqualTo(4);
        }
    }

    @Test
    void groupCommit_aFailingOperationFailsAlone() {
        try (SqliteJobLedger ledger = open(dir.resolve("mates.ledger.db"))) {
            await(ledger.register(PROJECT, prompts(0, 100)));
            Flux.range(0, 90).flatMap(i -> ledger.claimForCreate("p" + i, CreateRate.unlimited(), false, T0), 90)
                    .then().block(TIMEOUT);
            long before = ledger.commits();

            // p90..p99 were never claimed: their markCreated is illegal, queued among 90 legal ones.
            List<String> outcomes = Flux.range(0, 100)
                    .flatMap(i -> ledger.markCreated("p" + i, "job-" + i, T0).thenReturn("ok")
                            .onErrorResume(LedgerException.class, e -> Mono.just(e.reason().name())), 100)
                    .collectList().block(TIMEOUT);

            assertThat(outcomes).filteredOn("ok"::equals).hasSize(90);
            assertThat(outcomes).filteredOn(Reason.ILLEGAL_TRANSITION.name()::equals).hasSize(10);
            assertThat(ledger.commits() - before).isLessThan(100);
            assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.CREATED, 90L, PromptState.PENDING, 10L));
        }
    }

    @Test
    void close_commitsWhatWasAcceptedBeforeIt() {
        Path file = dir.resolve("close.ledger.db");
        int n = 500;
        List<Mono<Void>> accepted;
        try (SqliteJobLedger ledger = open(file)) {
            await(ledger.register(PROJECT, prompts(0, n)));
            Flux.range(0, n).flatMap(i -> ledger.claimForCreate("p" + i, CreateRate.unlimited(), false, T0), n)
                    .then().block(TIMEOUT);
            accepted = Flux.range(0, n).map(i -> ledger.markCreated("p" + i, "job-" + i, T0).cache())
                    .collectList().block(TIMEOUT);
            accepted.forEach(Mono::subscribe);
        }

        Flux.concat(accepted).then().block(TIMEOUT);
        try (SqliteJobLedger ledger = open(file)) {
            assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.CREATED, (long) n));
        }
    }

    @Test
    void everyCall_signalsFromTheWriterThread_notTheCallers() {
        try (SqliteJobLedger ledger = open(dir.resolve("nonblocking.ledger.db"))) {
            AtomicReference<String> signalThread = new AtomicReference<>();
            for (Mono<?> call : JobLedgerContractTest.everyCall(ledger)) {
                call.doOnEach(s -> signalThread.set(Thread.currentThread().getName()))
                        .subscribeOn(Schedulers.parallel())
                        .block(TIMEOUT);
                assertThat(signalThread.get()).isEqualTo("agentjobs-ledger-nonblocking.ledger.db");
            }
            assertThat(await(ledger.get("p1")).state()).isEqualTo(PromptState.COMPLETED);
        }
    }

    @Test
    void blockHound_flagsSqliteCallsOnAParallelThread() {
        // The control for the test above: without the writer thread, the same JDBC would be caught.
        Path file = dir.resolve("control.db");
        assertThatThrownBy(() -> Mono.fromCallable(() -> query(file, "PRAGMA user_version"))
                .subscribeOn(Schedulers.parallel()).block(TIMEOUT))
                .hasCauseInstanceOf(BlockingOperationError.class);
    }

    private static void assertRefused(Path file, Reason reason, String detail) {
        assertThatThrownBy(() -> SqliteJobLedger.open(file, CLOCK)).isInstanceOfSatisfying(LedgerException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(file.getFileName().toString()).contains(detail);
                });
    }

    private static Path walOf(Path file) {
        return file.resolveSibling(file.getFileName() + "-wal");
    }

    private static Connection connect(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    private static void exec(Path file, String sql) throws SQLException {
        try (Connection c = connect(file); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(Path file, String sql) throws SQLException {
        try (Connection c = connect(file); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int pragma(Path file, String name) throws SQLException {
        return Integer.parseInt(query(file, "PRAGMA " + name));
    }
}
