package dev.agentjobs.fanout;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.JobsApi;
import java.util.EnumSet;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Bulk fan-out of prompts on a durable {@link JobLedger}: every prompt is created at the pace of a create budget
 * and watched to its end by the watch engine, with one {@link FanOutResult} per prompt; after any crash, a new
 * run over the same ledger carries on where the last one stopped.
 *
 * <pre>{@code
 * try (JobLedger ledger = SqliteJobLedger.open(Path.of("prompts.ledger.db"))) {
 *     FanOut fanOut = FanOut.create(client, ledger);
 *     fanOut.fanOut(Flux.fromIterable(prompts), FanOutOptions.defaults())
 *           .doOnNext(r -> System.out.println(r.customId() + " " + r.state() + " " + r.prLink()))
 *           .blockLast();
 * }
 * }</pre>
 *
 * <p>The restart rules, which every run keeps:
 * <ul>
 *   <li>A prompt in a terminal state is never touched again.</li>
 *   <li>A prompt {@code CREATED} is watched again with a GET by its job id, never posted again.</li>
 *   <li>A prompt {@code PENDING} is created, after {@code CREATING} is durable in the ledger.</li>
 *   <li>A prompt left {@code CREATING} by a run that stopped becomes {@code IN_DOUBT} and is reported with its
 *       attempt time: the API has no idempotency key and no list endpoint, so a job may exist and only a person
 *       can tell. It is posted again only with {@link FanOutOptions.Builder#retryInDoubt}.</li>
 *   <li>The create budget is rebuilt from the ledger's create log: a run stopped after 60 of 100 creates in an
 *       hour and started again at once sends at most 40 more in that hour.</li>
 * </ul>
 *
 * <p>How each create ends: a 201 records the job id before anything else, then the job is watched; a 429 (or a
 * request never sent) releases the claim and waits ({@code Retry-After} first) before trying again; a 400 makes
 * the prompt {@code REJECTED}; an ambiguous failure makes it {@code IN_DOUBT}; a 401 or 403 releases the claim and
 * ends the run with that error, since every further call would fail the same way: the prompts keep their state
 * and a run with a working key carries on. A watch that passes its deadline or poll cap, or whose job is gone,
 * makes the prompt {@code ERROR} with the reason.
 *
 * <p>A {@code FanOut} is cheap and stateless beyond its API and ledger; each {@link #start} is one run.
 */
public final class FanOut {

    private final JobsApi api;
    private final JobLedger ledger;

    private FanOut(JobsApi api, JobLedger ledger) {
        this.api = api;
        this.ledger = ledger;
    }

    /**
     * A fan-out creating jobs through {@code api} and recording them in {@code ledger}. With an
     * {@link AgentJobsClient}, watches run on its event loop, share its breaker, and the project defaults to its
     * own; any other {@link JobsApi} (an in-process fake) needs {@link FanOutOptions#project()}.
     */
    public static FanOut create(JobsApi api, JobLedger ledger) {
        return new FanOut(Objects.requireNonNull(api, "api"), Objects.requireNonNull(ledger, "ledger"));
    }

    /**
     * Prepares one run over {@code prompts}; nothing happens until its {@link FanOutRun#results()} is
     * subscribed. Its {@link FanOutRun#progress} reports counts meanwhile.
     *
     * @throws IllegalArgumentException when no project is given and {@code api} is not an {@link AgentJobsClient}
     */
    public FanOutRun start(Flux<PromptInput> prompts, FanOutOptions options) {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(options, "options");
        String project = options.project();
        if (project == null) {
            if (!(api instanceof AgentJobsClient client)) {
                throw new IllegalArgumentException("FanOutOptions.project is required when the api is not an"
                        + " AgentJobsClient");
            }
            project = client.projectId();
        }
        return new FanOutRun(api, ledger, prompts, options, project);
    }

    /**
     * Runs {@code prompts} to their end: {@code start(prompts, options).results()}. One result per prompt that
     * ends in this run (terminal, or {@code IN_DOUBT}), as each ends; prompts an earlier run settled are not
     * repeated: {@link #recorded()} lists them.
     */
    public Flux<FanOutResult> fanOut(Flux<PromptInput> prompts, FanOutOptions options) {
        return start(prompts, options).results();
    }

    /**
     * The prompts of the ledger that are settled, terminal or {@code IN_DOUBT}, as results, in registration
     * order: with the results of a run, one per prompt across any number of runs.
     */
    public Flux<FanOutResult> recorded() {
        EnumSet<PromptState> settled = EnumSet.noneOf(PromptState.class);
        for (PromptState s : PromptState.values()) {
            if (s.isTerminal() || s == PromptState.IN_DOUBT) {
                settled.add(s);
            }
        }
        return ledger.summaries(settled).map(FanOutResult::of);
    }

    /** The ledger this fan-out records in. */
    public JobLedger ledger() {
        return ledger;
    }
}
