package dev.agentjobs.simulator;

import dev.agentjobs.simulator.AgentJobsSimulator.RetryAfterFormat;
import dev.agentjobs.simulator.AgentJobsSimulator.Stats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated server's behaviour, free of Netty: given an authorised, routed call it decides the
 * {@link Reply}. Order of decisions for one call: unknown project (404), scripted response, a running 429
 * burst, a random fault that fires before the server acts, validation (400), lookup (404), rate limit (429),
 * the action itself, then a random fault that fires after it.
 */
final class SimulatorEngine {

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Settings settings;
    private final Counters counters;
    // java.util.Random is thread-safe and seedable; with the default single event loop its sequence is repeatable.
    private final Random random;
    private final ConcurrentHashMap<String, ProjectState> projects = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Scripted> script = new ConcurrentLinkedQueue<>();
    // Keyed by a 64-bit hash of the prompt, not the prompt: 100k long prompts would otherwise stay in memory.
    private final ConcurrentHashMap<Long, AtomicInteger> createsPerPrompt = new ConcurrentHashMap<>();
    private final AtomicInteger maxCreatesForOnePrompt = new AtomicInteger();
    private final AtomicLong jobSequence = new AtomicLong();

    private record Scripted(CallKind kind, SimulatedResponse response) {
    }

    SimulatorEngine(Settings settings, Counters counters) {
        this.settings = settings;
        this.counters = counters;
        this.random = new Random(settings.seed());
    }

    Reply process(CallKind kind, String projectId, String jobId, byte[] body) {
        if (settings.projects() != null && !settings.projects().contains(projectId)) {
            return Reply.error(404, "project not found");
        }
        if (kind == CallKind.GET) {
            counters.gets.increment();
        }
        ProjectState project = project(projectId);
        SimulatedResponse scripted = script.isEmpty() ? null : takeScripted(kind);
        if (scripted != null) {
            counters.scripted.increment();
            return scripted(scripted, kind, project, jobId, body);
        }
        if (project.takeBurst()) {
            return retryLater(429, "rate limit exceeded (burst)", settings.faults().retryAfter().toMillis());
        }
        FaultKind fault = settings.faults().totalRatio() == 0 ? null : settings.faults().pick(random.nextDouble());
        if (fault != null && !fault.afterCommit()) {
            counters.faults.increment();
            return faultBeforeCommit(fault, project);
        }
        Reply reply = act(kind, project, jobId, body);
        if (fault != null && reply.isSuccess()) {
            counters.faults.increment();
            return faultAfterCommit(fault, reply);
        }
        return reply;
    }

    private Reply scripted(SimulatedResponse s, CallKind kind, ProjectState project, String jobId, byte[] body) {
        long delay = s.delay().toMillis();
        switch (s.action()) {
            case RESPOND:
                return new Reply(s.status(), s.body(), s.headers(), false, delay, s.delivery());
            case CLOSE:
                return Reply.closeConnection().withDelay(delay);
            default:
                break;
        }
        Reply normal = act(kind, project, jobId, body);
        if (!normal.isSuccess() || s.action() == SimulatedResponse.Action.NORMAL) {
            Reply answer = normal.isSuccess() && !s.jobFields().isEmpty()
                    ? normal.withBody(JsonBodies.withFields(normal.body(), s.jobFields(), settings.apiKey()))
                    : normal;
            return answer.withDelay(delay).withDelivery(s.delivery());
        }
        return s.action() == SimulatedResponse.Action.COMMIT_THEN_CLOSE
                ? Reply.closeConnection().withDelay(delay)
                : new Reply(s.status(), s.body(), s.headers(), false, delay, s.delivery());
    }

    private Reply faultBeforeCommit(FaultKind fault, ProjectState project) {
        return switch (fault) {
            case ERROR_500 -> Reply.error(500, "internal server error (simulated)");
            case ERROR_502 -> Reply.error(502, "bad gateway (simulated)");
            case ERROR_503 -> retryLater(503, "service unavailable (simulated)",
                    settings.faults().retryAfter().toMillis());
            case BURST_429 -> {
                project.burstRemaining.set(settings.faults().burstLength() - 1);
                yield retryLater(429, "rate limit exceeded (burst)", settings.faults().retryAfter().toMillis());
            }
            case CLOSE_CONNECTION -> Reply.closeConnection();
            default -> throw new IllegalStateException("not a before-commit fault: " + fault);
        };
    }

    private Reply faultAfterCommit(FaultKind fault, Reply done) {
        return switch (fault) {
            case CLOSE_AFTER_COMMIT -> Reply.closeConnection();
            case ERROR_500_AFTER_COMMIT -> Reply.error(500, "internal server error (simulated)");
            case SLOW_RESPONSE -> done.withDelay(settings.faults().slowDelay().toMillis());
            case MALFORMED_JSON -> Reply.json(done.status(), truncate(done.body()));
            case DRIP_BODY -> done.withDelivery(Reply.Delivery.drip(settings.faults().dripBytes(),
                    Math.max(1, settings.faults().dripInterval().toMillis())));
            case STALL_AFTER_HEADERS -> done.withDelivery(Reply.Delivery.stall(
                    Math.max(1, settings.faults().stallFor().toMillis())));
            default -> throw new IllegalStateException("not an after-commit fault: " + fault);
        };
    }

    /** Cuts a JSON object in half and drops the closing brace, so no lenient parser can accept it. */
    private static byte[] truncate(byte[] body) {
        int keep = Math.max(1, Math.min(body.length / 2, body.length - 1));
        return java.util.Arrays.copyOf(body, keep);
    }

    private Reply act(CallKind kind, ProjectState project, String jobId, byte[] body) {
        return switch (kind) {
            case CREATE -> create(project, body);
            case GET -> get(project, jobId);
            case MESSAGE -> message(project, jobId, body);
        };
    }

    private Reply create(ProjectState project, byte[] body) {
        String prompt = JsonBodies.prompt(body);
        if (prompt == null) {
            return Reply.error(400, "body must be a JSON object with a non-empty string \"prompt\"");
        }
        long now = now();
        if (project.createWindow != null) {
            long wait = project.createWindow.tryAcquire(now);
            if (wait > 0) {
                return retryLater(429, "rate limit exceeded for job creation", wait);
            }
        }
        long n = jobSequence.incrementAndGet();
        String id = "job_" + Long.toString(n, 36);
        SimJob job = newJob(id, (int) n, now);
        project.jobs.put(id, job);
        counters.creates.increment();
        int sameText = createsPerPrompt.computeIfAbsent(hash(prompt), k -> new AtomicInteger()).incrementAndGet();
        maxCreatesForOnePrompt.accumulateAndGet(sameText, Math::max);
        return Reply.json(201, jobBody(job, now));
    }

    private Reply get(ProjectState project, String jobId) {
        SimJob job = project.jobs.get(jobId);
        return job == null ? Reply.error(404, "job not found") : Reply.json(200, jobBody(job, now()));
    }

    private Reply message(ProjectState project, String jobId, byte[] body) {
        if (JsonBodies.prompt(body) == null) {
            return Reply.error(400, "body must be a JSON object with a non-empty string \"prompt\"");
        }
        SimJob job = project.jobs.get(jobId);
        if (job == null) {
            return Reply.error(404, "job not found");
        }
        long now = now();
        if (job.state(now) == JobState.ARCHIVED) {
            return Reply.error(400, "job is archived and takes no more messages");
        }
        if (project.messageWindow != null) {
            long wait = project.messageWindow.tryAcquire(now);
            if (wait > 0) {
                return retryLater(429, "rate limit exceeded for follow-up messages", wait);
            }
        }
        // A follow-up starts a new turn: the job is active again for a fresh duration, then ends on a fresh draw.
        SimJob next = project.jobs.computeIfPresent(jobId,
                (id, old) -> old.nextTurn(now, drawDuration(), drawFails()));
        if (next == null) {
            return Reply.error(404, "job not found");
        }
        counters.messages.increment();
        return Reply.json(200, jobBody(next, now));
    }

    private Reply retryLater(int status, String message, long waitMillis) {
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        String value = settings.retryAfterFormat() == RetryAfterFormat.DELTA_SECONDS
                ? Long.toString(seconds)
                : HTTP_DATE.format(Instant.ofEpochMilli(now()).plusSeconds(seconds));
        return Reply.error(status, message).withHeader("Retry-After", value);
    }

    // ---- Java-side operations (tests, benchmarks) ----

    void enqueue(CallKind kind, SimulatedResponse response) {
        script.add(new Scripted(kind, response));
    }

    void put(String projectId, String jobId, JobState state) {
        long now = now();
        SimJob job = switch (state) {
            case ACTIVE -> newJob(jobId, nextNumber(), now);
            case COMPLETED -> new SimJob(jobId, nextNumber(), now, now, false, SimJob.NOT_ARCHIVED);
            case FAILED -> new SimJob(jobId, nextNumber(), now, now, true, SimJob.NOT_ARCHIVED);
            case ARCHIVED -> new SimJob(jobId, nextNumber(), now, now, false, now);
        };
        project(projectId).jobs.put(jobId, job);
    }

    boolean archive(String projectId, String jobId) {
        ProjectState p = projects.get(projectId);
        long now = now();
        return p != null && p.jobs.computeIfPresent(jobId, (id, old) -> old.archive(now)) != null;
    }

    Iterable<String> projectIds() {
        return projects.keySet();
    }

    JobState state(String projectId, String jobId) {
        ProjectState p = projects.get(projectId);
        SimJob job = p == null ? null : p.jobs.get(jobId);
        return job == null ? null : job.state(now());
    }

    Stats stats() {
        long now = now();
        long jobs = 0;
        long active = 0;
        for (ProjectState p : projects.values()) {
            for (Iterator<SimJob> it = p.jobs.values().iterator(); it.hasNext(); ) {
                jobs++;
                if (it.next().state(now) == JobState.ACTIVE) {
                    active++;
                }
            }
        }
        Counters c = counters;
        return new Stats(c.requests.sum(), c.creates.sum(), c.gets.sum(), c.messages.sum(),
                c.rejected429.sum(), c.faults.sum(), c.scripted.sum(), c.unauthorized.sum(), c.badRequests.sum(),
                c.notFound.sum(), jobs, active, maxCreatesForOnePrompt.get());
    }

    // ---- helpers ----

    private SimulatedResponse takeScripted(CallKind kind) {
        for (Scripted s : script) {
            if ((s.kind() == null || s.kind() == kind) && script.remove(s)) {
                return s.response();
            }
        }
        return null;
    }

    private ProjectState project(String projectId) {
        ProjectState p = projects.get(projectId);
        return p != null ? p : projects.computeIfAbsent(projectId,
                k -> new ProjectState(settings.createLimit(), settings.messageLimit()));
    }

    private SimJob newJob(String id, int number, long now) {
        return new SimJob(id, number, now, now + drawDuration(), drawFails(), SimJob.NOT_ARCHIVED);
    }

    private int nextNumber() {
        return (int) jobSequence.incrementAndGet();
    }

    private long drawDuration() {
        return settings.durations().drawMillis(random);
    }

    private boolean drawFails() {
        return settings.failRatio() > 0 && random.nextDouble() < settings.failRatio();
    }

    private byte[] jobBody(SimJob job, long now) {
        return JsonBodies.job(job, now, settings.repository(), settings.model());
    }

    private long now() {
        return settings.clock().millis();
    }

    /** FNV-1a over the UTF-16 units, then a murmur finaliser: collisions are negligible for non-hostile prompts. */
    private static Long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
