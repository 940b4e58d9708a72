package dev.agentjobs.internal.http;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.internal.Checks;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;

/**
 * Every setting a client runs with, checked once: each {@link Builder} setter rejects a wrong value at once
 * and names it, and {@link Builder#build()} rejects a missing project or key. The public
 * {@code AgentJobsClient.Builder} is a thin face over this builder, so a new transport setting (an
 * {@code HttpClient} customizer, the application's own loop resources) is added here, checked here, and
 * reaches {@link JobsTransport} and {@link NettyResources} without another copy of the list.
 */
public final class TransportSettings {

    /** The public API's base URL. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.mintlify.com");

    /** A private copy of the builder that made these settings; never handed out, so never changed. */
    private final Builder values;

    private TransportSettings(Builder b) {
        this.values = b.copy();
    }

    /** A builder with the defaults; the project id and the key must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        return values.copy();
    }

    public URI baseUrl() {
        return values.baseUrl;
    }

    public String projectId() {
        return values.projectId;
    }

    public ApiKey apiKey() {
        return values.apiKey;
    }

    public Duration connectTimeout() {
        return values.connectTimeout;
    }

    /** The longest silence while a response is due (Reactor Netty's idle timeout). */
    public Duration responseTimeout() {
        return values.responseTimeout;
    }

    /** The longest one attempt may take in all: connect, write, status line, whole body. */
    public Duration attemptTimeout() {
        return values.attemptTimeout;
    }

    public int maxConnections() {
        return values.maxConnections;
    }

    public Duration maxIdleTime() {
        return values.maxIdleTime;
    }

    public int eventLoopThreads() {
        return values.eventLoopThreads;
    }

    public int maxResponseBytes() {
        return values.maxResponseBytes;
    }

    /** How the client's own calls are retried. */
    public CallRetryPolicy retryPolicy() {
        return values.retryPolicy;
    }

    public AgentJobsListener listener() {
        return values.listener;
    }

    public Clock clock() {
        return values.clock;
    }

    /** The scheduler for delays, or {@code null} for the transport's own event loop. */
    public Scheduler scheduler() {
        return values.scheduler;
    }

    public String userAgent() {
        return values.userAgent;
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Mutable and reusable; {@link #build()} takes a snapshot. Each setter checks its value at once. */
    public static final class Builder {
        private URI baseUrl = DEFAULT_BASE_URL;
        private String projectId;
        private ApiKey apiKey;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private Duration attemptTimeout = Duration.ofSeconds(60);
        private int maxConnections = 256;
        private Duration maxIdleTime = Duration.ofSeconds(20);
        private int eventLoopThreads = 1;
        private int maxResponseBytes = 1 << 20;
        private CallRetryPolicy retryPolicy = CallRetryPolicy.defaults();
        private AgentJobsListener listener = AgentJobsListener.NONE;
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler;
        private String userAgent = "agentjobs/0.1";

        private Builder() {
        }

        public Builder baseUrl(String value) {
            Objects.requireNonNull(value, "baseUrl");
            URI uri;
            try {
                uri = URI.create(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl is not a URL: " + value, e);
            }
            return baseUrl(uri);
        }

        public Builder baseUrl(URI value) {
            Objects.requireNonNull(value, "baseUrl");
            String scheme = value.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || value.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL with a host, was "
                        + value);
            }
            if (value.getRawQuery() != null || value.getRawFragment() != null || value.getRawUserInfo() != null) {
                // Named without the parts that are wrong: user info may hold a password.
                throw new IllegalArgumentException("baseUrl must not hold a query, fragment or user info, was "
                        + value.getScheme() + "://" + value.getHost() + (value.getPort() < 0 ? "" : ":" + value.getPort()));
            }
            this.baseUrl = value;
            return this;
        }

        public Builder projectId(String value) {
            this.projectId = Checks.requireId("projectId", value);
            return this;
        }

        public Builder apiKey(ApiKey value) {
            this.apiKey = Objects.requireNonNull(value, "apiKey");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Checks.requirePositive("connectTimeout", value);
            return this;
        }

        public Builder responseTimeout(Duration value) {
            this.responseTimeout = Checks.requirePositive("responseTimeout", value);
            return this;
        }

        /** At most 1 hour: a bound longer than that is no bound. */
        public Builder attemptTimeout(Duration value) {
            Checks.requirePositive("attemptTimeout", value);
            if (value.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("attemptTimeout must be at most 1 hour, was " + value);
            }
            this.attemptTimeout = value;
            return this;
        }

        public Builder maxConnections(int value) {
            this.maxConnections = Checks.requireWithin("maxConnections", value, 1, Integer.MAX_VALUE);
            return this;
        }

        public Builder maxIdleTime(Duration value) {
            this.maxIdleTime = Checks.requirePositive("maxIdleTime", value);
            return this;
        }

        public Builder eventLoopThreads(int value) {
            this.eventLoopThreads = Checks.requireWithin("eventLoopThreads", value, 1, 64);
            return this;
        }

        public Builder maxResponseBytes(int value) {
            this.maxResponseBytes = Checks.requireWithin("maxResponseBytes", value, 1024, Integer.MAX_VALUE);
            return this;
        }

        public Builder retryPolicy(CallRetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        public Builder listener(AgentJobsListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Printable ASCII only: it goes into a header as it is. */
        public Builder userAgent(String value) {
            Objects.requireNonNull(value, "userAgent");
            if (value.isBlank() || value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new IllegalArgumentException("userAgent must be printable ASCII, was " + value);
            }
            this.userAgent = value;
            return this;
        }

        /** The settings as they stand; throws {@link IllegalStateException} when the project or key is unset. */
        public TransportSettings build() {
            if (projectId == null) {
                throw new IllegalStateException("projectId is not set");
            }
            if (apiKey == null) {
                throw new IllegalStateException("apiKey is not set");
            }
            return new TransportSettings(this);
        }

        /** A copy to change without touching this one. */
        public Builder copy() {
            Builder b = new Builder();
            b.baseUrl = baseUrl;
            b.projectId = projectId;
            b.apiKey = apiKey;
            b.connectTimeout = connectTimeout;
            b.responseTimeout = responseTimeout;
            b.attemptTimeout = attemptTimeout;
            b.maxConnections = maxConnections;
            b.maxIdleTime = maxIdleTime;
            b.eventLoopThreads = eventLoopThreads;
            b.maxResponseBytes = maxResponseBytes;
            b.retryPolicy = retryPolicy;
            b.listener = listener;
            b.clock = clock;
            b.scheduler = scheduler;
            b.userAgent = userAgent;
            return b;
        }

        /** Every setting but the key's value ({@link ApiKey} redacts itself). */
        @Override
        public String toString() {
            return "baseUrl=" + baseUrl + ", projectId=" + projectId + ", apiKey=" + apiKey
                    + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                    + ", attemptTimeout=" + attemptTimeout
                    + ", maxConnections=" + maxConnections + ", maxIdleTime=" + maxIdleTime
                    + ", eventLoopThreads=" + eventLoopThreads + ", maxResponseBytes=" + maxResponseBytes
                    + ", retryPolicy=" + retryPolicy;
        }
    }
}
