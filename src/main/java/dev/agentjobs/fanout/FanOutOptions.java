package dev.agentjobs.fanout;

import dev.agentjobs.internal.Checks;
import dev.agentjobs.poll.PollPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;

/**
 * How one {@link FanOut} run goes: the project its jobs are created in, the create budget, the bound on jobs
 * active at once, whether prompts left in doubt are posted again, how jobs are watched, and (for tests) the
 * scheduler and clock every wait and timestamp follow. Immutable; {@link #toBuilder()} makes a changed copy.
 *
 * <pre>{@code
 * FanOutOptions options = FanOutOptions.builder()
 *         .project("my-project")
 *         .createRate(CreateRate.DEFAULT)            // 100 creates per sliding hour
 *         .maxActive(200)
 *         .pollPolicy(PollPolicy.defaults().deadline(Duration.ofHours(3)))
 *         .build();
 * }</pre>
 */
public final class FanOutOptions {

    /** Creates on the wire at once unless {@link Builder#createsInFlight} says otherwise. */
    public static final int DEFAULT_CREATES_IN_FLIGHT = 4;
    /** The most creates in flight {@link Builder#createsInFlight} accepts. */
    public static final int MAX_CREATES_IN_FLIGHT = 64;

    private final String project;
    private final CreateRate createRate;
    private final int maxActive;
    private final boolean retryInDoubt;
    private final PollPolicy pollPolicy;
    private final int createsInFlight;
    private final Duration refusalBackoff;
    private final Duration maxRefusalBackoff;
    private final Scheduler scheduler;
    private final Clock clock;

    private FanOutOptions(Builder b) {
        this.project = b.project;
        this.createRate = b.createRate;
        this.maxActive = b.maxActive;
        this.retryInDoubt = b.retryInDoubt;
        this.pollPolicy = b.pollPolicy;
        this.createsInFlight = b.createsInFlight;
        this.refusalBackoff = b.refusalBackoff;
        this.maxRefusalBackoff = b.maxRefusalBackoff;
        this.scheduler = b.scheduler;
        this.clock = b.clock;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: the client's project, {@link CreateRate#DEFAULT}, no bound on active jobs. */
    public static FanOutOptions defaults() {
        return new Builder().build();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.project = project;
        b.createRate = createRate;
        b.maxActive = maxActive;
        b.retryInDoubt = retryInDoubt;
        b.pollPolicy = pollPolicy;
        b.createsInFlight = createsInFlight;
        b.refusalBackoff = refusalBackoff;
        b.maxRefusalBackoff = maxRefusalBackoff;
        b.scheduler = scheduler;
        b.clock = clock;
        return b;
    }

    /** The project the prompts are recorded under and their budget is kept for; {@code null}: the client's. */
    public String project() {
        return project;
    }

    public CreateRate createRate() {
        return createRate;
    }

    /** The most jobs creating or active at once; {@link Integer#MAX_VALUE} when unbounded (the default). */
    public int maxActive() {
        return maxActive;
    }

    public boolean retryInDoubt() {
        return retryInDoubt;
    }

    public PollPolicy pollPolicy() {
        return pollPolicy;
    }

    /** The most creates claimed and not yet answered at once (default 4). */
    public int createsInFlight() {
        return createsInFlight;
    }

    /** The first wait after a refused create (429 without {@code Retry-After}, a request never sent). */
    public Duration refusalBackoff() {
        return refusalBackoff;
    }

    /**
     * The longest wait after a refusal: caps the backoff of consecutive refusals and a server's {@code Retry-After}
     * alike (a proxy answering a year must not stall the run for a year; a create refused again early only waits
     * again).
     */
    public Duration maxRefusalBackoff() {
        return maxRefusalBackoff;
    }

    /** The scheduler of every wait, or {@code null}: the client's event loop (else {@code Schedulers.parallel()}). */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** The clock of ledger times and budget, or {@code null}: the scheduler's time. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "FanOutOptions{project=" + project + ", createRate=" + createRate + ", maxActive="
                + (maxActive == Integer.MAX_VALUE ? "unbounded" : maxActive) + ", retryInDoubt=" + retryInDoubt
                + ", createsInFlight=" + createsInFlight + ", refusalBackoff=" + refusalBackoff + '}';
    }

    /** Settings of {@link FanOutOptions}; each setter checks its value and names it when it is wrong. */
    public static final class Builder {
        private String project;
        private CreateRate createRate = CreateRate.DEFAULT;
        private int maxActive = Integer.MAX_VALUE;
        private boolean retryInDoubt;
        private PollPolicy pollPolicy = PollPolicy.defaults();
        private int createsInFlight = DEFAULT_CREATES_IN_FLIGHT;
        private Duration refusalBackoff = Duration.ofSeconds(30);
        private Duration maxRefusalBackoff = Duration.ofMinutes(10);
        private Scheduler scheduler;
        private Clock clock;

        private Builder() {
        }

        /** The project id; by default the client's ({@code AgentJobsClient.projectId()}). */
        public Builder project(String value) {
            this.project = Checks.requireId("project", value);
            return this;
        }

        /** The client-side create budget; {@link CreateRate#DEFAULT} (100 per sliding hour) by default. */
        public Builder createRate(CreateRate value) {
            this.createRate = Objects.requireNonNull(value, "createRate");
            return this;
        }

        /** The most jobs creating or active at once, at least 1; unbounded by default (watching is cheap). */
        public Builder maxActive(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxActive must be at least 1, was " + value);
            }
            this.maxActive = value;
            return this;
        }

        /**
         * Whether prompts {@code IN_DOUBT} are posted again. A job may already exist for each of them, so this
         * may create duplicates: only a person who checked should turn it on. Off by default.
         */
        public Builder retryInDoubt(boolean value) {
            this.retryInDoubt = value;
            return this;
        }

        /** How created jobs are watched; {@link PollPolicy#defaults()} by default. */
        public Builder pollPolicy(PollPolicy value) {
            this.pollPolicy = Objects.requireNonNull(value, "pollPolicy");
            return this;
        }

        /**
         * The most creates on the wire at once, within [1, {@value FanOutOptions#MAX_CREATES_IN_FLIGHT}];
         * {@value FanOutOptions#DEFAULT_CREATES_IN_FLIGHT} by default. It is also the most prompts a crash ({@code kill -9}, power loss) can leave {@code IN_DOUBT}:
         * their POST may have left. Under the default create budget (100 an hour) creates are spaced so far apart
         * that about one is ever on the wire; the bound matters when the budget is raised or {@code none}, where
         * more creates in flight share each synced ledger commit (with SQLite, 1.18x the in-memory ledger's CPU per
         * prompt at 32 against about 1.3x at 4) and finish sooner, at the price of more prompts to decide on after
         * a crash. Set 1 for the smallest in-doubt window.
         */
        public Builder createsInFlight(int value) {
            if (value < 1 || value > MAX_CREATES_IN_FLIGHT) {
                throw new IllegalArgumentException("createsInFlight must be within [1, " + MAX_CREATES_IN_FLIGHT
                        + "], was " + value);
            }
            this.createsInFlight = value;
            return this;
        }

        /**
         * The wait after a refused create when the server named none (30 s by default), doubling per refusal in
         * a row up to {@code max} (10 min by default). A {@code Retry-After} wins over the backoff, capped at
         * {@code max} too; while creates wait, {@link FanOutRun.Progress#createsPausedUntil()} says until when.
         */
        public Builder refusalBackoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "refusalBackoff");
            Objects.requireNonNull(max, "maxRefusalBackoff");
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("refusalBackoff must be positive and at most its maximum, was "
                        + first + " up to " + max);
            }
            this.refusalBackoff = first;
            this.maxRefusalBackoff = max;
            return this;
        }

        /** The scheduler of every wait and watch; tests pass a virtual-time one. */
        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** The clock of ledger times and the create budget; by default the scheduler's time. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public FanOutOptions build() {
            return new FanOutOptions(this);
        }
    }
}
