package dev.agentjobs.fanout;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Teaches the suite's BlockHound that SQLite's native calls block (BlockHound knows Java's I/O, not a JNI
 * library's): any JDBC call that leaks onto an event loop or a parallel thread then fails the test that made
 * it, as any blocking JDK call would. Loaded by BlockHound through {@code META-INF/services}.
 */
public final class SqliteBlockingCalls implements BlockHoundIntegration {

    private static final String NATIVE_DB = "org.sqlite.core.NativeDB";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.markAsBlocking(NATIVE_DB, "_open_utf8", "([BI)V")
                .markAsBlocking(NATIVE_DB, "_exec_utf8", "([B)I")
                .markAsBlocking(NATIVE_DB, "prepare_utf8", "([B)J")
                .markAsBlocking(NATIVE_DB, "step", "(J)I")
                .markAsBlocking(NATIVE_DB, "_close", "()V");
    }
}
