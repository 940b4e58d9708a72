package dev.agentjobs.fanout;

import java.time.Clock;

/** The ledger contract on the in-memory baseline. */
class InMemoryJobLedgerTest extends JobLedgerContractTest {

    @Override
    JobLedger newLedger(Clock clock) {
        return JobLedger.inMemory(clock);
    }
}
