package dev.agentjobs.simulator;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A fake agent-jobs server on loopback, for tests and benchmarks (like OkHttp's {@code MockWebServer}). It serves
 * the three v2 calls, runs every job through a lifecycle driven by an injectable {@link Clock} (a job is
 * {@code active} for a drawn duration, then {@code completed} with a PR link or {@code failed}), enforces
 * per-project rate limits, injects seeded random {@link Faults}, plays scripted {@link SimulatedResponse}s first,
 * and records requests. {@code GET /_sim/stats} (no key needed) serves {@link #stats()} as JSON.
 *
 * <p>Status is computed on read from the clock, so idle jobs cost only a small record: 100k jobs and
 * ~20k GETs/s on one event-loop thread are the design point.
 *
 * <pre>{@code
 * MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
 * try (AgentJobsSimulator sim = AgentJobsSimulator.builder()
 *         .apiKey("mint_test")
 *         .durations(JobDurations.fixed(Duration.ofMinutes(2)))
 *         .failRatio(0.1)
 *         .faults(Faults.uniform(0.05))
 *         .clock(clock)
 *         .seed(42)
 *         .build().start()) {
 *     String base = sim.baseUrl();                         // http://127.0.0.1:54321
 *     sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
 *     // ... drive the client against base ...
 *     clock.advance(Duration.ofMinutes(2));                // jobs end now, without waiting
 *     assertThat(sim.stats().maxCreatesForOnePrompt()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Thread safety: every method may be called from any thread except the simulator's own event loop, where
 * {@link #close()} and {@link #takeRequest(Duration)} would block.
 */
public final class AgentJobsSimulator implements AutoCloseable {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final Counters counters = new Counters();
    private final SimulatorEngine engine;
    private final RequestLog log;
    private LoopResources loops;
    private DisposableServer server;
    private boolean started;

    private AgentJobsSimulator(Settings settings) {
        this.settings = settings;
        this.engine = new SimulatorEngine(settings, counters);
        this.log = new RequestLog(settings.recordCapacity());
    }

    /** A builder with the defaults: 127.0.0.1, ephemeral port, any project, jobs of 2 s, 100 creates/messages per hour. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving; returns {@code this}.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized AgentJobsSimulator start() {
        if (started) {
            throw new IllegalStateException("simulator already started");
        }
        started = true;
        // Own loops, never Reactor Netty's global ones: closing this simulator must not touch anyone else's.
        loops = LoopResources.create("agentjobs-sim", settings.eventLoopThreads(), true);
        HttpFront front = new HttpFront(engine, counters, log, settings.apiKey());
        try {
            server = HttpServer.create()
                    .host(settings.host())
                    .port(settings.port())
                    .runOn(loops)
                    .handle(front::handle)
                    .bindNow(SHUTDOWN_TIMEOUT);
        } catch (RuntimeException e) {
            loops.disposeLater(Duration.ZERO, SHUTDOWN_TIMEOUT).block(SHUTDOWN_TIMEOUT);
            throw e;
        }
        return this;
    }

    /** The port bound (useful after asking for port 0). */
    public int port() {
        return requireServer().port();
    }

    /** The base URL, for example {@code http://127.0.0.1:54321}, without a trailing slash. */
    public String baseUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port();
    }

    /** {@link #baseUrl()} as a {@link URI}. */
    public URI url() {
        return URI.create(baseUrl());
    }

    /** A snapshot of the counters; {@code activeJobs} walks all jobs, so call it now and then, not per request. */
    public Stats stats() {
        return engine.stats();
    }

    /** The next request of any call kind gets {@code response}, before any random fault. Responses queue up in order. */
    public void enqueue(SimulatedResponse response) {
        engine.enqueue(null, Objects.requireNonNull(response, "response"));
    }

    /** The next request of {@code kind} gets {@code response}; other kinds pass it by. */
    public void enqueue(CallKind kind, SimulatedResponse response) {
        engine.enqueue(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(response, "response"));
    }

    /**
     * Removes and returns the oldest recorded request, waiting up to {@code timeout} (blocks the caller).
     *
     * @return the request, or {@code null} if none arrived in time
     */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        return log.take(Objects.requireNonNull(timeout, "timeout"));
    }

    /** Like {@link #takeRequest(Duration)} with 5 seconds, but fails instead of returning {@code null}. */
    public RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest r = takeRequest(Duration.ofSeconds(5));
        if (r == null) {
            throw new IllegalStateException("no request reached the simulator within 5 s");
        }
        return r;
    }

    /** The recorded requests not yet taken, oldest first (at most the builder's {@code recordRequests}). */
    public List<RecordedRequest> requests() {
        return log.snapshot();
    }

    /** Preloads (or replaces) a job with any id and status; {@code ACTIVE} lasts a drawn duration. */
    public void putJob(String projectId, String jobId, JobState state) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        engine.put(projectId, jobId, state);
    }

    /** Archives a job of a project now (by the clock); returns whether it exists. */
    public boolean archive(String projectId, String jobId) {
        return engine.archive(projectId, jobId);
    }

    /** Archives every job with this id, whatever its project; returns whether any existed. */
    public boolean archive(String jobId) {
        boolean any = false;
        List<String> ids = new ArrayList<>();
        engine.projectIds().forEach(ids::add);
        for (String project : ids) {
            any |= engine.archive(project, jobId);
        }
        return any;
    }

    /** The job's status now, by the simulator's clock, or empty if there is no such job. */
    public Optional<JobState> jobState(String projectId, String jobId) {
        return Optional.ofNullable(engine.state(projectId, jobId));
    }

    /** Same as {@link #close()}. */
    public void stop() {
        close();
    }

    /** Unbinds and stops the event loop, waiting at most a few seconds; safe to call twice or before start. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.disposeNow(SHUTDOWN_TIMEOUT);
            server = null;
        }
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, SHUTDOWN_TIMEOUT).block(SHUTDOWN_TIMEOUT);
            loops = null;
        }
    }

    private synchronized DisposableServer requireServer() {
        if (server == null) {
            throw new IllegalStateException("simulator is not running; call start()");
        }
        return server;
    }

    @Override
    public String toString() {
        return "AgentJobsSimulator[" + settings + "]";
    }

    /**
     * Configures an {@link AgentJobsSimulator}. Every setter validates its argument and names a bad value
     * (except the API key, which is never echoed).
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String apiKey;
        private Set<String> projects;
        private JobDurations durations = JobDurations.fixed(Duration.ofSeconds(2));
        private double failRatio;
        private RateLimit createLimit = RateLimit.DOCUMENTED;
        private RateLimit messageLimit = RateLimit.DOCUMENTED;
        private Clock clock = Clock.systemUTC();
        private long seed = 1;
        private Faults faults = Faults.none();
        private RetryAfterFormat retryAfterFormat = RetryAfterFormat.DELTA_SECONDS;
        private int eventLoopThreads = 1;
        private int recordRequests = 1000;
        private String repository = "https://github.com/agentjobs-sim/docs";
        private String model = "simulated-agent-1";

        private Builder() {
        }

        /** Port to bind; 0 (the default) picks a free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be within [0, 65535], was " + value);
            }
            port = value;
            return this;
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("host must not be empty, was '" + value + "'");
            }
            host = value.strip();
            return this;
        }

        /** The key every API call must send as {@code Authorization: Bearer <key>}; required. */
        public Builder apiKey(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be empty");
            }
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) < 0x21 || value.charAt(i) > 0x7e) {
                    throw new IllegalArgumentException("apiKey holds a character that cannot go in an HTTP header"
                            + " (position " + i + ")");
                }
            }
            apiKey = value;
            return this;
        }

        /** Accept only these project ids (others get 404); by default any project id is accepted. */
        public Builder projects(Set<String> ids) {
            Objects.requireNonNull(ids, "projects");
            if (ids.isEmpty() || ids.stream().anyMatch(p -> p == null || p.isEmpty())) {
                throw new IllegalArgumentException("projects must be non-empty ids, was " + ids);
            }
            projects = Set.copyOf(ids);
            return this;
        }

        /** Accept any project id (the default). */
        public Builder anyProject() {
            projects = null;
            return this;
        }

        /** How long each job, and each follow-up turn, stays active (default fixed 2 s). */
        public Builder durations(JobDurations value) {
            durations = Objects.requireNonNull(value, "durations");
            return this;
        }

        /** Probability that a job (or turn) ends {@code failed} rather than {@code completed} (default 0). */
        public Builder failRatio(double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("failRatio must be within [0, 1], was " + value);
            }
            failRatio = value;
            return this;
        }

        /** Per-project limit on creates (default 100 per hour). */
        public Builder createLimit(RateLimit value) {
            createLimit = Objects.requireNonNull(value, "createLimit");
            return this;
        }

        /** Per-project limit on follow-up messages (default 100 per hour), counted apart from creates. */
        public Builder messageLimit(RateLimit value) {
            messageLimit = Objects.requireNonNull(value, "messageLimit");
            return this;
        }

        /** The clock for job times, rate windows and HTTP-date Retry-After (default system UTC). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Seed of every random draw: durations, outcomes, faults (default 1). */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Random faults to inject (default none). */
        public Builder faults(Faults value) {
            faults = Objects.requireNonNull(value, "faults");
            return this;
        }

        /** How {@code Retry-After} is written (default delta-seconds). */
        public Builder retryAfterFormat(RetryAfterFormat value) {
            retryAfterFormat = Objects.requireNonNull(value, "retryAfterFormat");
            return this;
        }

        /** Event-loop threads (default 1, enough for ~20k small requests/s). */
        public Builder eventLoopThreads(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("eventLoopThreads must be within [1, 64], was " + value);
            }
            eventLoopThreads = value;
            return this;
        }

        /** How many recent requests to keep for {@link #takeRequest(Duration)} (default 1000; 0 = none, for benchmarks). */
        public Builder recordRequests(int capacity) {
            if (capacity < 0 || capacity > 1_000_000) {
                throw new IllegalArgumentException("recordRequests must be within [0, 1000000], was " + capacity);
            }
            recordRequests = capacity;
            return this;
        }

        /** The {@code source.repository} URL the jobs report; PR links are {@code <repository>/pull/<n>}. */
        public Builder repository(String url) {
            if (url == null || !url.startsWith("https://")) {
                throw new IllegalArgumentException("repository must be an https URL, was '" + url + "'");
            }
            repository = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            return this;
        }

        /** The {@code model} the jobs report. */
        public Builder model(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("model must not be empty, was '" + value + "'");
            }
            model = value;
            return this;
        }

        /** A simulator with this configuration, not yet started. */
        public AgentJobsSimulator build() {
            if (apiKey == null) {
                throw new IllegalStateException("apiKey is required");
            }
            return new AgentJobsSimulator(new Settings(host, port, apiKey, projects, durations, failRatio,
                    createLimit, messageLimit, clock, seed, faults, retryAfterFormat, eventLoopThreads,
                    recordRequests, repository, model));
        }
    }

    /**
     * Counters since the simulator started; also served as JSON at {@code GET /_sim/stats}.
     *
     * @param requests               every HTTP request received
     * @param creates                jobs created by {@code POST .../job}
     * @param gets                   authorised {@code GET .../job/{id}} requests
     * @param messages               follow-up messages taken
     * @param rejected429            429 answers (rate limit, fault bursts, scripts)
     * @param faults                 random faults injected
     * @param scripted               scripted responses used
     * @param unauthorized           401 answers
     * @param badRequests            400 answers
     * @param notFound               404 answers
     * @param jobs                   jobs held (created and preloaded)
     * @param activeJobs             jobs {@code active} now, by the simulator's clock
     * @param maxCreatesForOnePrompt the most jobs created for one identical prompt (1 = no duplicate creates)
     */
    public record Stats(long requests, long creates, long gets, long messages, long rejected429, long faults,
                        long scripted, long unauthorized, long badRequests, long notFound, long jobs,
                        long activeJobs, int maxCreatesForOnePrompt) {
    }

    /** How the simulator writes {@code Retry-After}: both forms are legal HTTP, and clients must read both. */
    public enum RetryAfterFormat {
        /** Whole seconds, rounded up, at least 1: {@code Retry-After: 120}. */
        DELTA_SECONDS,
        /** An IMF-fixdate from the simulator's clock: {@code Retry-After: Wed, 21 Oct 2026 07:28:00 GMT}. */
        HTTP_DATE
    }
}
