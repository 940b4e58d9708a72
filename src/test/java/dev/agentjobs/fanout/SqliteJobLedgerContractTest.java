package dev.agentjobs.fanout;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract on a real SQLite file. */
class SqliteJobLedgerContractTest extends JobLedgerContractTest {

    @TempDir
    Path dir;

    @Override
    JobLedger newLedger(Clock clock) {
        return SqliteJobLedger.open(dir.resolve("contract.ledger.db"), clock);
    }
}
