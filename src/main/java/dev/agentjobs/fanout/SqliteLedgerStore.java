package dev.agentjobs.fanout;

import dev.agentjobs.fanout.JobLedger.ClaimResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ledger's SQL, one method per {@link JobLedger} operation. Each method reads what it must check, applies
 * {@link LedgerRules}, and writes only when the check passed, so a refused operation leaves nothing behind
 * even before the writer's savepoint rolls it back. Used by the writer thread only (not thread-safe): it owns
 * the connection and caches its prepared statements.
 */
final class SqliteLedgerStore implements AutoCloseable {

    private static final String COLUMNS =
            "custom_id, project, prompt, state, job_id, pr_link, last_error, attempts, attempted_at, updated_at";
    private static final String SUMMARY_COLUMNS =
            "custom_id, project, state, job_id, pr_link, last_error, attempts, attempted_at, updated_at";

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final MessageDigest sha256;

    SqliteLedgerStore(Connection connection) {
        this.connection = connection;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String text(Instant time) {
        return LedgerTime.text(time);
    }

    private static Instant instant(String text) {
        return LedgerTime.instant(text);
    }

    /** Runs a statement without parameters (transaction control, pragmas), prepared once. */
    void exec(String sql) throws SQLException {
        ps(sql).execute();
    }

    int register(String project, List<PromptInput> inputs, Instant now) throws SQLException {
        // Check the whole batch before writing any of it: all or nothing, also without the savepoint.
        Map<String, Fresh> fresh = new LinkedHashMap<>();
        PreparedStatement known = ps("SELECT project, prompt_sha256 FROM prompts WHERE custom_id = ?");
        for (PromptInput input : inputs) {
            String hash = hash(input.prompt());
            known.setString(1, input.customId());
            try (ResultSet rs = known.executeQuery()) {
                if (rs.next()) {
                    checkSame(input.customId(), rs.getString(1), rs.getString(2), project, hash);
                    continue;
                }
            }
            Fresh earlier = fresh.putIfAbsent(input.customId(), new Fresh(input, hash));
            if (earlier != null) {
                checkSame(input.customId(), project, earlier.hash(), project, hash);
            }
        }
        long seq = queryLong("SELECT coalesce(max(seq), 0) FROM prompts");
        PreparedStatement insert = ps("INSERT INTO prompts (custom_id, seq, project, prompt, prompt_sha256, state, "
                + "attempts, updated_at) VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?)");
        for (Fresh f : fresh.values()) {
            insert.setString(1, f.input().customId());
            insert.setLong(2, ++seq);
            insert.setString(3, project);
            insert.setString(4, f.input().prompt());
            insert.setString(5, f.hash());
            insert.setString(6, text(now));
            insert.executeUpdate();
        }
        return fresh.size();
    }

    private record Fresh(PromptInput input, String hash) {
    }

    private static void checkSame(String customId, String knownProject, String knownHash, String project,
                                  String hash) {
        boolean sameText = knownHash.equals(hash);
        if (!sameText || !knownProject.equals(project)) {
            throw LedgerRules.inputChanged(customId, knownProject, project, sameText);
        }
    }

    List<PromptRecord> recoverInterrupted(String reason, Instant now) throws SQLException {
        List<PromptRecord> creating = find(Set.of(PromptState.CREATING));
        PreparedStatement update = ps("UPDATE prompts SET state = 'IN_DOUBT', last_error = ?, updated_at = ? "
                + "WHERE state = 'CREATING'");
        update.setString(1, reason);
        update.setString(2, text(now));
        update.executeUpdate();
        return creating.stream().map(r -> new PromptRecord(r.customId(), r.project(), r.prompt(),
                PromptState.IN_DOUBT, r.jobId(), r.prLink(), reason, r.attempts(), r.attemptedAt(), now)).toList();
    }

    List<PromptRecord> find(Set<PromptState> states) throws SQLException {
        String where = states.isEmpty() ? "" : " WHERE state IN (" + states.stream()
                .map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", ")) + ")";
        List<PromptRecord> found = new ArrayList<>();
        try (ResultSet rs = ps("SELECT " + COLUMNS + " FROM prompts" + where + " ORDER BY seq").executeQuery()) {
            while (rs.next()) {
                found.add(record(rs));
            }
        }
        return found;
    }

    /**
     * One page of a scan: its rows, the {@code seq} the next page starts after, and whether it is the last (it
     * came back short).
     */
    record Page<T>(List<T> rows, long afterSeq, boolean last) {
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Up to {@code limit} rows in {@code states} after {@code afterSeq}, with their prompts. */
    Page<PromptRecord> findPage(Set<PromptState> states, long afterSeq, int limit) throws SQLException {
        return page(COLUMNS, states, afterSeq, limit, SqliteLedgerStore::record);
    }

    /** As {@link #findPage}, without reading the prompt column at all. */
    Page<PromptSummary> summaryPage(Set<PromptState> states, long afterSeq, int limit) throws SQLException {
        return page(SUMMARY_COLUMNS, states, afterSeq, limit, rs -> new PromptSummary(rs.getString(1),
                rs.getString(2), PromptState.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), instant(rs.getString(8)), instant(rs.getString(9))));
    }

    private <T> Page<T> page(String columns, Set<PromptState> states, long afterSeq, int limit, RowReader<T> reader)
            throws SQLException {
        // Keyset paging on seq (unique, registration order): each page is an index range, however deep the scan.
        String in = states.isEmpty() ? "" : " AND state IN (" + states.stream()
                .map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", ")) + ")";
        PreparedStatement select = ps("SELECT " + columns + ", seq FROM prompts WHERE seq > ?" + in
                + " ORDER BY seq LIMIT ?");
        select.setLong(1, afterSeq);
        select.setInt(2, limit);
        List<T> rows = new ArrayList<>();
        long last = afterSeq;
        try (ResultSet rs = select.executeQuery()) {
            int seqColumn = rs.getMetaData().getColumnCount();   // seq is selected last
            while (rs.next()) {
                rows.add(reader.read(rs));
                last = rs.getLong(seqColumn);
            }
        }
        return new Page<>(rows, last, rows.size() < limit);
    }

    List<PromptRecord> findByJobId(String jobId) throws SQLException {
        PreparedStatement select = ps("SELECT " + COLUMNS + " FROM prompts WHERE job_id = ? ORDER BY seq");
        select.setString(1, jobId);
        List<PromptRecord> found = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                found.add(record(rs));
            }
        }
        return found;
    }

    PromptRecord get(String customId) throws SQLException {
        PreparedStatement select = ps("SELECT " + COLUMNS + " FROM prompts WHERE custom_id = ?");
        select.setString(1, customId);
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? record(rs) : null;
        }
    }

    ClaimResult claim(String customId, CreateRate rate, boolean includeInDoubt, Instant now) throws SQLException {
        PromptRecord r = get(customId);
        if (r == null) {
            throw LedgerRules.unknown(customId);
        }
        if (!LedgerRules.claimable(r.state(), includeInDoubt)) {
            return ClaimResult.NOT_CLAIMABLE;
        }
        if (!rate.isUnlimited()) {
            Instant notBefore = LedgerRules.notBefore(createsAfter(r.project(), LedgerRules.windowStart(rate, now)),
                    rate);
            if (notBefore != null) {
                return ClaimResult.overBudget(notBefore);
            }
        }
        String at = text(now);
        update("UPDATE prompts SET state = 'CREATING', attempts = attempts + 1, attempted_at = ?, updated_at = ? "
                + "WHERE custom_id = ?", at, at, customId);
        update("INSERT INTO create_log (project, at, custom_id) VALUES (?, ?, ?)", r.project(), at, customId);
        // The row as the UPDATE left it, without reading it back.
        return ClaimResult.claimed(new PromptRecord(customId, r.project(), r.prompt(), PromptState.CREATING,
                r.jobId(), r.prLink(), r.lastError(), r.attempts() + 1, now, now));
    }

    void release(String customId, String reason, Instant now) throws SQLException {
        move(customId, PromptState.PENDING);
        // The claim's own entry: a CREATING prompt's latest one, since each claim appends one.
        update("DELETE FROM create_log WHERE id = "
                + "(SELECT id FROM create_log WHERE custom_id = ? ORDER BY id DESC LIMIT 1)", customId);
        update("UPDATE prompts SET state = 'PENDING', last_error = ?, updated_at = ? WHERE custom_id = ?",
                reason, text(now), customId);
    }

    void markCreated(String customId, String jobId, Instant now) throws SQLException {
        move(customId, PromptState.CREATED);
        update("UPDATE prompts SET state = 'CREATED', job_id = ?, last_error = NULL, updated_at = ? "
                + "WHERE custom_id = ?", jobId, text(now), customId);
        // The claim's create-log entry moves to the acceptance time: the client's own retries may have sent the
        // create long after the claim, and the server counts it from then. max(): never earlier than the claim.
        update("UPDATE create_log SET at = max(at, ?) WHERE id = "
                + "(SELECT id FROM create_log WHERE custom_id = ? ORDER BY id DESC LIMIT 1)", text(now), customId);
    }

    void markInDoubt(String customId, String reason, Instant now) throws SQLException {
        move(customId, PromptState.IN_DOUBT);
        update("UPDATE prompts SET state = 'IN_DOUBT', last_error = ?, updated_at = ? WHERE custom_id = ?",
                reason, text(now), customId);
    }

    void markFinished(String customId, PromptState state, String prLink, String reason, Instant now)
            throws SQLException {
        move(customId, state);
        update("UPDATE prompts SET state = ?, pr_link = ?, last_error = ?, updated_at = ? WHERE custom_id = ?",
                state.name(), prLink, reason, text(now), customId);
    }

    boolean recordExisting(String project, String customId, String jobId, Instant now) throws SQLException {
        PreparedStatement known = ps("SELECT project, job_id FROM prompts WHERE custom_id = ?");
        known.setString(1, customId);
        try (ResultSet rs = known.executeQuery()) {
            if (rs.next()) {
                LedgerRules.checkSameJob(customId, rs.getString(1), rs.getString(2), project, jobId);
                return false;
            }
        }
        // No create_log entry: the job was not created through this ledger, so it spends no budget.
        PreparedStatement insert = ps("INSERT INTO prompts (custom_id, seq, project, prompt, prompt_sha256, state, "
                + "job_id, attempts, updated_at) VALUES (?, ?, ?, ?, ?, 'CREATED', ?, 0, ?)");
        insert.setString(1, customId);
        insert.setLong(2, queryLong("SELECT coalesce(max(seq), 0) FROM prompts") + 1);
        insert.setString(3, project);
        insert.setString(4, PromptRecord.NO_PROMPT);
        insert.setString(5, hash(PromptRecord.NO_PROMPT));
        insert.setString(6, jobId);
        insert.setString(7, text(now));
        insert.executeUpdate();
        return true;
    }

    void reopen(String customId, Instant now) throws SQLException {
        PreparedStatement select = ps("SELECT state FROM prompts WHERE custom_id = ?");
        select.setString(1, customId);
        try (ResultSet rs = select.executeQuery()) {
            LedgerRules.checkReopen(customId, rs.next() ? PromptState.valueOf(rs.getString(1)) : null);
        }
        update("UPDATE prompts SET state = 'CREATED', pr_link = NULL, last_error = NULL, updated_at = ? "
                + "WHERE custom_id = ?", text(now), customId);
    }

    List<Instant> createsSince(String project, Instant since) throws SQLException {
        return times("SELECT at FROM create_log WHERE project = ? AND at >= ? ORDER BY at, id", project, since);
    }

    private List<Instant> createsAfter(String project, Instant start) throws SQLException {
        return times("SELECT at FROM create_log WHERE project = ? AND at > ? ORDER BY at, id", project, start);
    }

    Map<PromptState, Long> counts() throws SQLException {
        Map<PromptState, Long> counts = new EnumMap<>(PromptState.class);
        try (ResultSet rs = ps("SELECT state, count(*) FROM prompts GROUP BY state").executeQuery()) {
            while (rs.next()) {
                counts.put(PromptState.valueOf(rs.getString(1)), rs.getLong(2));
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /** Fails unless the prompt may move to {@code to} from where it stands. */
    private void move(String customId, PromptState to) throws SQLException {
        PreparedStatement select = ps("SELECT state FROM prompts WHERE custom_id = ?");
        select.setString(1, customId);
        try (ResultSet rs = select.executeQuery()) {
            LedgerRules.checkTransition(customId, rs.next() ? PromptState.valueOf(rs.getString(1)) : null, to);
        }
    }

    private List<Instant> times(String sql, String project, Instant bound) throws SQLException {
        PreparedStatement select = ps(sql);
        select.setString(1, project);
        select.setString(2, text(bound));
        List<Instant> times = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                times.add(instant(rs.getString(1)));
            }
        }
        return times;
    }

    private void update(String sql, String... values) throws SQLException {
        PreparedStatement statement = ps(sql);
        for (int i = 0; i < values.length; i++) {
            statement.setString(i + 1, values[i]);
        }
        statement.executeUpdate();
    }

    long queryLong(String sql) throws SQLException {
        try (ResultSet rs = ps(sql).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private PreparedStatement ps(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static PromptRecord record(ResultSet rs) throws SQLException {
        return new PromptRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                PromptState.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8),
                instant(rs.getString(9)), instant(rs.getString(10)));
    }

    private String hash(String prompt) {
        return HexFormat.of().formatHex(sha256.digest(prompt.getBytes(StandardCharsets.UTF_8)));
    }

    /** Closes the connection; SQLite checkpoints the WAL into the main file as the last connection closes. */
    @Override
    public void close() {
        LedgerSchema.closeQuietly(connection);
    }
}
