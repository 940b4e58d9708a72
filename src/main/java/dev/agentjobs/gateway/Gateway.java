package dev.agentjobs.gateway;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.PromptSummary;
import dev.agentjobs.internal.http.ClientScope;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * An HTTP and Server-Sent Events gateway in front of the agent-jobs API: it holds the API key, polls each job
 * with one loop of a {@link JobWatcher} whatever the number of followers, and lets browsers, bots and services
 * create jobs, send follow-ups and follow every transition live over {@code text/event-stream}, resuming with
 * {@code Last-Event-ID} after a dropped connection.
 *
 * <pre>{@code
 * try (AgentJobsClient client = AgentJobsClient.builder().projectId("p")
 *              .apiKey(ApiKey.fromEnvironment("MINTLIFY_API_KEY")).build();
 *      Gateway gateway = Gateway.builder(client).port(8080).tokenFile(Path.of("tokens.txt")).start()) {
 *     System.out.println("dashboard at " + gateway.url());
 *     // curl -N -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/events
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /jobs} {"prompt"}, {@code GET /jobs}, {@code GET /jobs/{id}},
 * {@code POST /jobs/{id}/messages} {"prompt"}, {@code GET /jobs/{id}/events}, {@code GET /events} (every job on
 * one stream), {@code GET /healthz}, the dashboard at {@code GET /} with {@code POST /login}.
 *
 * <p>Security: binds 127.0.0.1 by default and refuses a non-loopback address without tokens; clients send
 * {@code Authorization: Bearer TOKEN} (browsers get an HttpOnly, SameSite=Strict cookie from the login form);
 * no CORS unless origins are configured; POSTs with a foreign {@code Origin} are refused; bodies, streams per
 * token and idle connections are capped. The API key appears in no response, event or log line.
 *
 * <p>Threads: the server runs on its own Netty event loop ({@link Builder#eventLoopThreads}, one by default);
 * polls run on the client's. Close the gateway before the client.
 */
public final class Gateway implements AutoCloseable {

    private final JobWatcher watcher;
    private final JobHub hub;
    private final Routes routes;
    private final LoopResources loops;
    private final DisposableServer server;
    private final String host;

    private Gateway(Builder b, Settings settings) {
        ObservedApi api = new ObservedApi(b.client);
        ClientScope scope = ClientScope.of(b.client);
        AgentJobsListener clientListener = scope.listener();
        Clock clock = scope.clock();
        // The client's own breaker: the gateway's polls and any other watcher's on this client share it.
        this.watcher = JobWatcher.builder(api).policy(b.policy).scheduler(scope.scheduler()).clock(clock)
                .circuitBreakerRegistry(scope.breakers()).breakerName(scope.breakerName())
                .listener(new AgentJobsListener() {
                    @Override
                    public void pollDeferred(String jobId, Duration delay, Throwable cause) {
                        clientListener.pollDeferred(jobId, delay, cause);
                        api.pollDeferred(jobId, delay, cause);
                    }
                }).build();
        String epoch = newEpoch();
        GatewayLedger ledger = b.ledger == null ? null
                : new GatewayLedger(b.ledger, b.client.projectId(), clock, epoch);
        this.hub = new JobHub(watcher, epoch, settings.feedHistory(), settings.subscriberQueue(),
                settings.maxJobs(), ledger);
        api.hub(hub);
        if (ledger != null) {
            for (PromptSummary r : ledger.start(Duration.ofSeconds(30))) {
                if (r.state() == PromptState.CREATED) {
                    hub.resume(r.jobId());
                } else {
                    hub.preload(GatewayLedger.terminalEvent(r));
                }
            }
        }
        this.routes = new Routes(settings, hub, new Auth(b.tokens, b.sessionTtl, clock), new Dashboard(),
                Schedulers.parallel(), ledger == null ? "in-memory (no ledger: a restart forgets the jobs)"
                        : "ledger (jobs created or looked up here are listed and watched again after a restart)");
        this.loops = LoopResources.create("agentjobs-gateway", b.eventLoopThreads, true);
        this.host = settings.host();
        try {
            this.server = HttpServer.create().runOn(loops).host(settings.host()).port(settings.port())
                    .idleTimeout(settings.idleTimeout())
                    .readTimeout(settings.idleTimeout())
                    .httpRequestDecoder(spec -> spec.maxHeaderSize(16 * 1024).maxInitialLineLength(8 * 1024))
                    .handle(routes::handle)
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            hub.close();
            watcher.dispose();
            loops.dispose();
            throw e;
        }
    }

    /** A builder over a client; the gateway polls, creates and sends messages through it. */
    public static Builder builder(AgentJobsClient client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /** The port the gateway listens on (the chosen one when built with port 0). */
    public int port() {
        return server.port();
    }

    /** The dashboard's URL, for example {@code http://127.0.0.1:8080/}. */
    public URI url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/");
    }

    /** Jobs with a running watch. */
    public int watchedJobs() {
        return hub.watchedJobs();
    }

    /** The hub (tests look inside). */
    JobHub hub() {
        return hub;
    }

    /** The epoch in this process's event ids (tests build ids with it). */
    String epoch() {
        return hub.epoch();
    }

    /** Event streams open now. */
    public int openStreams() {
        return routes.openStreams();
    }

    /**
     * Ends every event stream (clients reconnect and resume, from this gateway's successor), stops the watches
     * and the server, and frees its event loop. The client stays open.
     */
    @Override
    public void close() {
        hub.close();
        try {
            server.disposeNow(Duration.ofSeconds(5));
        } catch (IllegalStateException timedOut) {
            // Connections still open after the grace period are closed with the event loop below.
        } finally {
            watcher.dispose();
            loops.dispose();
        }
    }

    @Override
    public String toString() {
        return "Gateway[" + url() + "]";
    }

    private static String newEpoch() {
        // Base 36 has no '-', the separator of an event id; the random tail tells apart two starts in one ms.
        return Long.toString(System.currentTimeMillis(), 36) + Integer.toString(new SecureRandom().nextInt(1296), 36);
    }

    /** Settings of a {@link Gateway}; every setter checks its value. */
    public static final class Builder {
        private final AgentJobsClient client;
        private String host = "127.0.0.1";
        private int port = 8080;
        private final Set<String> tokens = new LinkedHashSet<>();
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private int maxBodyBytes = 64 * 1024;
        private int maxStreamsPerToken = 64;
        private Duration heartbeat = Duration.ofSeconds(15);
        private Duration retryHint = Duration.ofSeconds(2);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int feedHistory = 10_000;
        private int subscriberQueue = 256;
        private int maxJobs = 10_000;
        private int pageSize = 50;
        private Duration sessionTtl = Duration.ofHours(12);
        private boolean secureCookies;
        private int eventLoopThreads = 1;
        private PollPolicy policy = PollPolicy.defaults();
        private JobLedger ledger;

        private Builder(AgentJobsClient client) {
            this.client = client;
        }

        /** The address to bind, 127.0.0.1 by default; a non-loopback one needs tokens. */
        public Builder host(String value) {
            Objects.requireNonNull(value, "host");
            if (value.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = value.strip();
            return this;
        }

        /** The port, 8080 by default; 0 picks a free one (see {@link Gateway#port()}). */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be within [0, 65535], was " + value);
            }
            this.port = value;
            return this;
        }

        /** Adds tokens clients may present; each at least 16 characters, without white space. */
        public Builder tokens(Collection<String> values) {
            for (String t : values) {
                if (t == null || t.length() < 16 || t.chars().anyMatch(ch -> ch <= ' ' || ch == 127)) {
                    throw new IllegalArgumentException("a token must be at least 16 characters without white space"
                            + " or control characters (the offending token is not shown)");
                }
                tokens.add(t);
            }
            return this;
        }

        /** Reads tokens from a file, one a line; blank lines and lines starting with '#' are skipped. */
        public Builder tokenFile(Path file) {
            try {
                return tokens(Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read token file " + file + ": " + e.getClass().getSimpleName(),
                        e);
            }
        }

        /** Origins allowed to call the gateway from other sites' pages (CORS); none by default. */
        public Builder allowedOrigins(Collection<String> values) {
            for (String o : values) {
                URI u = URI.create(o);
                if (u.getScheme() == null || u.getHost() == null || (u.getPath() != null && !u.getPath().isEmpty())) {
                    throw new IllegalArgumentException("an origin is scheme://host[:port], was '" + o + "'");
                }
                allowedOrigins.add(o.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** The largest request body, 64 KiB by default; larger ones get 413. */
        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = positive("maxBodyBytes", value);
            return this;
        }

        /** Concurrent event streams per token (or per gateway without tokens), 64 by default; past it 429. */
        public Builder maxStreamsPerToken(int value) {
            this.maxStreamsPerToken = positive("maxStreamsPerToken", value);
            return this;
        }

        /** How often an idle stream gets a {@code : ping} comment, 15 s by default. */
        public Builder heartbeat(Duration value) {
            this.heartbeat = positive("heartbeat", value);
            return this;
        }

        /** The reconnection delay suggested to clients ({@code retry:}), 2 s by default. */
        public Builder retryHint(Duration value) {
            this.retryHint = positive("retryHint", value);
            return this;
        }

        /** How long a connection may stay idle between requests or while sending one, 60 s by default. */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = positive("idleTimeout", value);
            return this;
        }

        /** Messages of the all-jobs feed kept for resuming, 10,000 by default; further behind gets a snapshot. */
        public Builder feedHistory(int value) {
            this.feedHistory = positive("feedHistory", value);
            return this;
        }

        /**
         * Messages queued for one slow client before it is dropped with a final event, 256 by default.
         */
        public Builder subscriberQueue(int value) {
            this.subscriberQueue = positive("subscriberQueue", value);
            return this;
        }

        /** Jobs kept in memory, 10,000 by default; past it the oldest ended ones are forgotten. */
        public Builder maxJobs(int value) {
            this.maxJobs = positive("maxJobs", value);
            return this;
        }

        /** Jobs per page of {@code GET /jobs} unless {@code ?limit=} says otherwise, 50 by default. */
        public Builder pageSize(int value) {
            if (value < 1 || value > 200) {
                throw new IllegalArgumentException("pageSize must be within [1, 200], was " + value);
            }
            this.pageSize = value;
            return this;
        }

        /** How long a dashboard login lasts, 12 h by default. */
        public Builder sessionTtl(Duration value) {
            this.sessionTtl = positive("sessionTtl", value);
            return this;
        }

        /** Marks the session cookie {@code Secure}: set it when a TLS proxy fronts the gateway. */
        public Builder secureCookies(boolean value) {
            this.secureCookies = value;
            return this;
        }

        /** Threads of the gateway's own event loop, 1 by default. */
        public Builder eventLoopThreads(int value) {
            this.eventLoopThreads = positive("eventLoopThreads", value);
            return this;
        }

        /** How jobs are polled; {@link PollPolicy#defaults()} by default. */
        public Builder pollPolicy(PollPolicy value) {
            this.policy = Objects.requireNonNull(value, "pollPolicy");
            return this;
        }

        /**
         * Records the jobs this gateway creates, looks up by id or sends a follow-up to in {@code value} (a
         * {@code SqliteJobLedger} for durability), so that after a restart they are listed again and the unfinished
         * ones (a follow-up makes an ended job unfinished again) watched again. The caller owns the ledger
         * and closes it after the gateway. Without one the gateway is in-memory and {@code /healthz} says so.
         *
         * <p>At start the gateway marks the rows a crashed predecessor left {@code CREATING} as {@code IN_DOUBT}
         * (their create may have reached the API) and lists them. So no other process may use the ledger while the
         * gateway runs, or its creates on the wire would be marked too: the caller also owns the ledger's
         * {@link dev.agentjobs.fanout.LedgerLock}, taken before opening it and held until after closing it, as
         * {@code agentjobs serve --ledger} and {@code agentjobs fanout} do:
         *
         * <pre>{@code
         * try (LedgerLock lock = LedgerLock.acquire(Path.of("gateway.ledger.db"));   // refused while another holds it
         *      SqliteJobLedger ledger = SqliteJobLedger.open(lock.ledger());
         *      Gateway gateway = Gateway.builder(client).ledger(ledger).start()) {
         *     ...
         * }
         * }</pre>
         */
        public Builder ledger(JobLedger value) {
            this.ledger = Objects.requireNonNull(value, "ledger");
            return this;
        }

        /**
         * Binds and starts serving. Blocks while it binds (and reads the ledger, when one is set): call it from
         * a thread that may block, never an event loop.
         *
         * @throws IllegalStateException when the address is not loopback and no token was given
         */
        public Gateway start() {
            boolean loopback = isLoopback(host);
            if (!loopback && tokens.isEmpty()) {
                throw new IllegalStateException("refusing to bind " + host + " without tokens: anyone who can reach"
                        + " it could spend the API key; pass a token file, or bind 127.0.0.1");
            }
            Settings s = new Settings(host, port, loopback, Set.copyOf(allowedOrigins), maxBodyBytes,
                    maxStreamsPerToken, heartbeat, retryHint, idleTimeout, feedHistory, subscriberQueue, maxJobs,
                    pageSize, secureCookies);
            return new Gateway(this, s);
        }

        private static boolean isLoopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
            }
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
