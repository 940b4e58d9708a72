package dev.agentjobs.fanout;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link JobLedger} held in memory: the same contract as {@code SqliteJobLedger} (transitions, the create
 * budget checked inside the claim, all-or-nothing registration), without durability. For tests, measurements
 * and the benchmark's baseline; a crash loses everything, so a real fan-out uses the SQLite ledger.
 *
 * <p>Thread-safe and non-blocking: each operation runs when subscribed, on the subscriber's thread, under a
 * monitor held for the microseconds a map update takes (no I/O, no parking), so it is safe on an event loop.
 *
 * <pre>{@code
 * JobLedger ledger = JobLedger.inMemory();
 * ledger.register("my-project", List.of(new PromptInput("1", "Fix the typo"))).block();
 * ledger.claimForCreate("1", CreateRate.DEFAULT, false, Instant.now()).block().outcome();   // CLAIMED
 * }</pre>
 */
final class InMemoryJobLedger implements JobLedger {

    private final Clock clock;
    // Insertion order is registration order; re-putting a key keeps its place.
    private final Map<String, PromptRecord> prompts = new LinkedHashMap<>();
    // Per project, every logged create time, kept sorted (callers' clocks may pass times out of order).
    private final Map<String, List<Instant>> createLog = new HashMap<>();
    private boolean closed;

    /** A ledger whose registration times come from {@code clock} (the other methods take their time). */
    InMemoryJobLedger(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Mono<Integer> register(String project, List<PromptInput> inputs) {
        Objects.requireNonNull(project, "project");
        List<PromptInput> batch = List.copyOf(inputs);
        return locked(() -> {
            Map<String, PromptInput> fresh = new LinkedHashMap<>();
            for (PromptInput input : batch) {
                PromptRecord known = prompts.get(input.customId());
                if (known != null) {
                    checkSame(input, project, known.prompt(), known.project());
                } else {
                    PromptInput earlier = fresh.putIfAbsent(input.customId(), input);
                    if (earlier != null) {
                        checkSame(input, project, earlier.prompt(), project);
                    }
                }
            }
            Instant now = LedgerRules.truncate(clock.instant());
            for (PromptInput input : fresh.values()) {
                prompts.put(input.customId(), new PromptRecord(input.customId(), project, input.prompt(),
                        PromptState.PENDING, null, null, null, 0, null, now));
            }
            return fresh.size();
        });
    }

    private static void checkSame(PromptInput input, String project, String knownPrompt, String knownProject) {
        boolean sameText = knownPrompt.equals(input.prompt());
        if (!sameText || !knownProject.equals(project)) {
            throw LedgerRules.inputChanged(input.customId(), knownProject, project, sameText);
        }
    }

    @Override
    public Mono<List<PromptRecord>> recoverInterrupted(String reason, Instant now) {
        Instant at = LedgerRules.truncate(Objects.requireNonNull(now, "now"));
        return locked(() -> {
            List<PromptRecord> recovered = new ArrayList<>();
            for (PromptRecord r : prompts.values()) {
                if (r.state() == PromptState.CREATING) {
                    PromptRecord moved = with(r, PromptState.IN_DOUBT, r.jobId(), r.prLink(), reason, r.attempts(),
                            r.attemptedAt(), at);
                    recovered.add(moved);
                }
            }
            recovered.forEach(r -> prompts.put(r.customId(), r));
            return List.copyOf(recovered);
        });
    }

    @Override
    public Flux<PromptRecord> find(Set<PromptState> states) {
        Set<PromptState> wanted = Set.copyOf(states);
        return locked(() -> prompts.values().stream()
                .filter(r -> wanted.isEmpty() || wanted.contains(r.state()))
                .toList())
                .flatMapIterable(list -> list);
    }

    @Override
    public Flux<PromptSummary> summaries(Set<PromptState> states) {
        return find(states).map(PromptRecord::summary);
    }

    @Override
    public Mono<PromptRecord> get(String customId) {
        Objects.requireNonNull(customId, "customId");
        return locked(() -> prompts.get(customId));
    }

    @Override
    public Flux<PromptRecord> findByJobId(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        // A scan: this ledger is for tests and measurements, where a job-id index would only cost memory.
        return locked(() -> prompts.values().stream().filter(r -> jobId.equals(r.jobId())).toList())
                .flatMapIterable(list -> list);
    }

    @Override
    public Mono<ClaimResult> claimForCreate(String customId, CreateRate rate, boolean includeInDoubt, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(rate, "rate");
        Instant at = LedgerRules.truncate(Objects.requireNonNull(now, "now"));
        return locked(() -> {
            PromptRecord r = prompts.get(customId);
            if (r == null) {
                throw LedgerRules.unknown(customId);
            }
            if (!LedgerRules.claimable(r.state(), includeInDoubt)) {
                return ClaimResult.NOT_CLAIMABLE;
            }
            List<Instant> log = createLog.computeIfAbsent(r.project(), p -> new ArrayList<>());
            Instant notBefore = LedgerRules.notBefore(inWindow(log, LedgerRules.windowStart(rate, at)), rate);
            if (notBefore != null) {
                return ClaimResult.overBudget(notBefore);
            }
            log.add(insertionPoint(log, at), at);
            PromptRecord claimed = with(r, PromptState.CREATING, r.jobId(), r.prLink(), r.lastError(),
                    r.attempts() + 1, at, at);
            prompts.put(customId, claimed);
            return ClaimResult.claimed(claimed);
        });
    }

    @Override
    public Mono<Void> releaseClaim(String customId, String reason, Instant now) {
        return move(customId, PromptState.PENDING, now, (r, at) -> {
            List<Instant> log = createLog.get(r.project());
            if (log != null) {
                log.remove(r.attemptedAt());
            }
            return with(r, PromptState.PENDING, r.jobId(), r.prLink(), reason, r.attempts(), r.attemptedAt(), at);
        });
    }

    @Override
    public Mono<Void> markCreated(String customId, String jobId, Instant now) {
        Objects.requireNonNull(jobId, "jobId");
        return move(customId, PromptState.CREATED, now, (r, at) -> {
            restamp(r, at);
            return with(r, PromptState.CREATED, jobId, r.prLink(), null, r.attempts(), r.attemptedAt(), at);
        });
    }

    /**
     * The claim's create-log entry moves to the acceptance time {@code at}: the client's own retries may have
     * sent the create well after the claim, and the server counts it from then, so the slot stays taken until
     * {@code at} plus the window (never earlier than the claim's time).
     */
    private void restamp(PromptRecord r, Instant at) {
        List<Instant> log = createLog.get(r.project());
        if (log != null && r.attemptedAt() != null && at.isAfter(r.attemptedAt()) && log.remove(r.attemptedAt())) {
            log.add(insertionPoint(log, at), at);
        }
    }

    @Override
    public Mono<Void> markInDoubt(String customId, String reason, Instant now) {
        return move(customId, PromptState.IN_DOUBT, now, (r, at) ->
                with(r, PromptState.IN_DOUBT, r.jobId(), r.prLink(), reason, r.attempts(), r.attemptedAt(), at));
    }

    @Override
    public Mono<Void> markFinished(String customId, PromptState state, String prLink, String reason, Instant now) {
        PromptState to = LedgerRules.requireTerminal(state);
        return move(customId, to, now, (r, at) ->
                with(r, to, r.jobId(), prLink, reason, r.attempts(), r.attemptedAt(), at));
    }

    @Override
    public Mono<Boolean> recordExisting(String project, String customId, String jobId, Instant now) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(jobId, "jobId");
        Instant at = LedgerRules.truncate(Objects.requireNonNull(now, "now"));
        return locked(() -> {
            PromptRecord known = prompts.get(customId);
            if (known != null) {
                LedgerRules.checkSameJob(customId, known.project(), known.jobId(), project, jobId);
                return false;
            }
            prompts.put(customId, new PromptRecord(customId, project, PromptRecord.NO_PROMPT, PromptState.CREATED,
                    jobId, null, null, 0, null, at));
            return true;
        });
    }

    @Override
    public Mono<Void> reopen(String customId, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Instant at = LedgerRules.truncate(Objects.requireNonNull(now, "now"));
        return locked(() -> {
            PromptRecord r = prompts.get(customId);
            LedgerRules.checkReopen(customId, r == null ? null : r.state());
            prompts.put(customId, with(r, PromptState.CREATED, r.jobId(), null, null, r.attempts(), r.attemptedAt(),
                    at));
            return null;
        }).then();
    }

    @Override
    public Mono<List<Instant>> createsSince(String project, Instant since) {
        Objects.requireNonNull(project, "project");
        Instant from = LedgerRules.truncate(Objects.requireNonNull(since, "since"));
        return locked(() -> {
            List<Instant> log = createLog.getOrDefault(project, List.of());
            return List.copyOf(log.subList(insertionPoint(log, from.minusNanos(1)), log.size()));
        });
    }

    @Override
    public Mono<Map<PromptState, Long>> counts() {
        return locked(() -> {
            Map<PromptState, Long> counts = new EnumMap<>(PromptState.class);
            prompts.values().forEach(r -> counts.merge(r.state(), 1L, Long::sum));
            return Collections.unmodifiableMap(counts);
        });
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
    }

    @Override
    public String toString() {
        return "InMemoryJobLedger";
    }

    private interface Move {
        PromptRecord apply(PromptRecord current, Instant at);
    }

    private Mono<Void> move(String customId, PromptState to, Instant now, Move move) {
        Objects.requireNonNull(customId, "customId");
        Instant at = LedgerRules.truncate(Objects.requireNonNull(now, "now"));
        return locked(() -> {
            PromptRecord r = prompts.get(customId);
            LedgerRules.checkTransition(customId, r == null ? null : r.state(), to);
            prompts.put(customId, move.apply(r, at));
            return null;
        }).then();
    }

    private <T> Mono<T> locked(Callable<T> operation) {
        return Mono.fromCallable(() -> {
            synchronized (this) {
                if (closed) {
                    throw LedgerRules.closed("in memory");
                }
                return operation.call();
            }
        });
    }

    /** The entries after {@code start} (exclusive), oldest first. */
    private static List<Instant> inWindow(List<Instant> sorted, Instant start) {
        return sorted.subList(insertionPoint(sorted, start), sorted.size());
    }

    /** The index of the first entry after {@code time}: where {@code time} goes to keep the list sorted. */
    private static int insertionPoint(List<Instant> sorted, Instant time) {
        int i = Collections.binarySearch(sorted, time);
        if (i < 0) {
            return -i - 1;
        }
        while (i < sorted.size() && sorted.get(i).equals(time)) {
            i++;
        }
        return i;
    }

    private static PromptRecord with(PromptRecord r, PromptState state, String jobId, String prLink, String lastError,
                                     int attempts, Instant attemptedAt, Instant updatedAt) {
        return new PromptRecord(r.customId(), r.project(), r.prompt(), state, jobId, prLink, lastError, attempts,
                attemptedAt, updatedAt);
    }
}
