package dev.agentjobs.fanout;

import dev.agentjobs.fanout.LedgerException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens a ledger file: tells a ledger from anything else before writing a byte to it, creates the schema in
 * a fresh file, and sets the connection up for durable writes. Runs on the thread that calls
 * {@link SqliteJobLedger#open}, before the writer thread takes the connection over.
 */
final class LedgerSchema {

    /** {@code PRAGMA application_id} of an agentjobs ledger: "AJLG" in ASCII. */
    static final int APPLICATION_ID = 0x414A4C47;
    /** {@code PRAGMA user_version}: the schema version this code writes and reads. */
    static final int VERSION = 1;
    /** How long a write waits for a lock another process (a person's {@code sqlite3}) holds. */
    static final int BUSY_TIMEOUT_MILLIS = 5_000;
    private static final int SQLITE_NOTADB = 26;
    /** Looks a row up by its job's id ({@link JobLedger#findByJobId}) without a scan. */
    static final String JOB_ID_INDEX = "CREATE INDEX IF NOT EXISTS prompts_by_job_id ON prompts (job_id)";

    private static final String[] CREATE = {
        """
        CREATE TABLE prompts (
            custom_id     TEXT PRIMARY KEY,
            seq           INTEGER NOT NULL UNIQUE,
            project       TEXT NOT NULL,
            prompt        TEXT NOT NULL,
            prompt_sha256 TEXT NOT NULL,
            state         TEXT NOT NULL CHECK (state IN ('PENDING', 'CREATING', 'CREATED', 'COMPLETED',
                              'FAILED', 'ARCHIVED', 'IN_DOUBT', 'REJECTED', 'ERROR')),
            job_id        TEXT,
            pr_link       TEXT,
            last_error    TEXT,
            attempts      INTEGER NOT NULL DEFAULT 0,
            attempted_at  TEXT,
            updated_at    TEXT NOT NULL
        )""",
        "CREATE INDEX prompts_by_state ON prompts (state, seq)",
        """
        CREATE TABLE create_log (
            id        INTEGER PRIMARY KEY,
            project   TEXT NOT NULL,
            at        TEXT NOT NULL,
            custom_id TEXT NOT NULL REFERENCES prompts (custom_id)
        )""",
        "CREATE INDEX create_log_by_project ON create_log (project, at)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    };

    private LedgerSchema() {
    }

    /** A connection to {@code file}, checked to be a ledger of this version (a new or empty file becomes one). */
    static Connection open(Path file, String createdAt) {
        Connection connection;
        Properties settings = new Properties();
        // No INSERT of ours reads its generated key; left on, sqlite-jdbc runs a regex over the SQL of every
        // update and a `SELECT last_insert_rowid()` through a new statement after every INSERT.
        settings.setProperty("jdbc.get_generated_keys", "false");
        try {
            connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, settings);
        } catch (SQLException e) {
            throw storage(file, "cannot be opened", e);
        }
        try {
            exec(connection, "PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            identify(connection, file, createdAt);
            // Stored in the file once set; readers (a person's sqlite3) then never block the writer.
            if (!"wal".equalsIgnoreCase(queryString(connection, "PRAGMA journal_mode = WAL"))) {
                throw new LedgerException(Reason.STORAGE, "ledger " + file + ": the file system does not support "
                        + "SQLite's write-ahead log; put the ledger on a local disk");
            }
            // FULL syncs the WAL at every commit: a CREATING row survives an OS crash or power loss too, not
            // only a killed process (NORMAL's guarantee). The writer lowers it to NORMAL for batches that hold
            // no claim (LedgerWriter); FULL is where it starts, so that nothing runs below it by mistake.
            exec(connection, "PRAGMA synchronous = FULL");
            exec(connection, "PRAGMA foreign_keys = ON");
            // Added after version 1 shipped, so made on open for older files too; an index changes nothing an
            // older agentjobs reads or writes, hence no new schema version.
            exec(connection, JOB_ID_INDEX);
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw storage(file, "cannot be prepared", e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static void identify(Connection connection, Path file, String createdAt) throws SQLException {
        int applicationId;
        try {
            applicationId = queryInt(connection, "PRAGMA application_id");
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLITE_NOTADB) {
                throw notALedger(file, "it is not an SQLite database");
            }
            throw e;
        }
        int version = queryInt(connection, "PRAGMA user_version");
        if (applicationId == APPLICATION_ID) {
            if (version > VERSION) {
                throw new LedgerException(Reason.NEWER_VERSION, "ledger " + file + " has schema version " + version
                        + ", written by a newer agentjobs; this one knows version " + VERSION
                        + ". Use the newer agentjobs to carry on with it");
            }
            return;
        }
        if (applicationId != 0) {
            throw notALedger(file, String.format("its application id is 0x%08X, not an agentjobs ledger's 0x%08X",
                    applicationId, APPLICATION_ID));
        }
        if (queryInt(connection, "SELECT count(*) FROM sqlite_schema") > 0 || version != 0) {
            throw notALedger(file, "it is an SQLite database with tables of its own");
        }
        create(connection, createdAt);
    }

    private static void create(Connection connection, String createdAt) throws SQLException {
        exec(connection, "BEGIN IMMEDIATE");
        try {
            for (String sql : CREATE) {
                exec(connection, sql);
            }
            exec(connection, "INSERT INTO meta (key, value) VALUES ('created_at', '" + createdAt + "'), "
                    + "('created_by', 'agentjobs fan-out ledger, schema " + VERSION + "')");
            exec(connection, "PRAGMA application_id = " + APPLICATION_ID);
            exec(connection, "PRAGMA user_version = " + VERSION);
            exec(connection, "COMMIT");
        } catch (SQLException e) {
            exec(connection, "ROLLBACK");
            throw e;
        }
    }

    private static LedgerException notALedger(Path file, String why) {
        return new LedgerException(Reason.NOT_A_LEDGER, file + " is not an agentjobs ledger: " + why
                + ". Nothing was changed; pass another --ledger path (or move the file away)");
    }

    static LedgerException storage(Path file, String what, SQLException e) {
        return new LedgerException(Reason.STORAGE, "ledger " + file + " " + what + ": " + e.getMessage(), e);
    }

    static void exec(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int queryInt(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing left to save: the connection is being given up after a failure.
        }
    }
}
