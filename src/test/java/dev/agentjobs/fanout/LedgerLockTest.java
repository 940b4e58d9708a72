package dev.agentjobs.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerLockTest {

    @TempDir
    Path dir;

    @Test
    void acquire_whileHeld_isRefusedNamingTheLockFileAndTheHolder() {
        Path ledger = dir.resolve("p.ledger.db");
        try (LedgerLock held = LedgerLock.acquire(ledger)) {
            assertThat(held.ledger()).isEqualTo(ledger.toAbsolutePath());
            assertThatThrownBy(() -> LedgerLock.acquire(ledger))
                    .isInstanceOfSatisfying(LedgerException.class,
                            e -> assertThat(e.reason()).isEqualTo(LedgerException.Reason.LOCKED))
                    .hasMessageContaining(dir.resolve("p.ledger.db.lock").toString())
                    .hasMessageContaining("process " + ProcessHandle.current().pid())
                    .hasMessageContaining("fanout --status --ledger " + ledger.toAbsolutePath());
        }
    }

    @Test
    void close_releasesTheLock_andLeavesTheFile() {
        Path ledger = dir.resolve("p.ledger.db");
        LedgerLock.acquire(ledger).close();
        try (LedgerLock again = LedgerLock.acquire(ledger)) {
            assertThat(LedgerLock.lockFile(ledger)).exists();
        }
        assertThat(LedgerLock.lockFile(ledger)).exists();
        assertThat(ledger).as("locking does not create the ledger").doesNotExist();
    }

    @Test
    void acquire_inADirectoryThatDoesNotExist_isAStorageError() {
        assertThatThrownBy(() -> LedgerLock.acquire(dir.resolve("missing/p.ledger.db")))
                .isInstanceOfSatisfying(LedgerException.class,
                        e -> assertThat(e.reason()).isEqualTo(LedgerException.Reason.STORAGE))
                .hasMessageContaining("p.ledger.db.lock");
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
    }
}
