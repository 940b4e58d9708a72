package dev.agentjobs.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * agentjobs embedded in a Spring WebFlux application on Reactor Netty: a controller submits a prompt and streams the
 * job's events as Server-Sent Events, the client runs on the application's own loops and pool (Spring's
 * {@link ReactorResourceFactory}) and records into its {@link MeterRegistry}, and {@link WebTestClient} drives it
 * over loopback against the simulator, with the suite's BlockHound watching every non-blocking thread. The README's
 * library section mirrors {@link Jobs} and {@link App}.
 */
class WebFluxEmbeddingTest {

    private static final String KEY = "mint_webflux_secret_93aa";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** One job's events as Server-Sent Events; a client that goes away stops the job's polls. */
    @RestController
    static class Jobs {
        private final JobWatcher watcher;
        final CountDownLatch streamsEnded = new CountDownLatch(1);

        Jobs(JobWatcher watcher) {
            this.watcher = watcher;
        }

        @PostMapping(path = "/jobs", consumes = MediaType.TEXT_PLAIN_VALUE,
                produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<String>> submit(@RequestBody Mono<String> prompt) {
            return prompt.flatMapMany(watcher::submit)
                    .map(e -> ServerSentEvent.builder(e.status().name().toLowerCase(Locale.ROOT))
                            .id(e.jobId())
                            .event(e.kind().name().toLowerCase(Locale.ROOT))
                            .build())
                    .doFinally(signal -> streamsEnded.countDown());
        }
    }

    /** The application: its shared Reactor Netty resources, its meter registry, one client and one watcher. */
    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    static class App {
        @Bean
        ReactorResourceFactory reactorResources() {
            ReactorResourceFactory f = new ReactorResourceFactory();
            f.setUseGlobalResources(false);
            f.setShutdownQuietPeriod(Duration.ZERO);
            return f;
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        AgentJobsClient agentJobsClient(AgentJobsSimulator sim, ReactorResourceFactory resources,
                                        MeterRegistry registry) {
            return AgentJobsClient.builder()
                    .baseUrl(sim.baseUrl())          // in production: the default, https://api.mintlify.com
                    .projectId("docs")
                    .apiKey(ApiKey.of(KEY))          // in production: ApiKey.fromEnvironment("MINTLIFY_API_KEY")
                    .loopResources(resources.getLoopResources())
                    .connectionProvider(resources.getConnectionProvider())
                    .meterRegistry(registry)
                    .build();                        // closed by Spring (close() is its inferred destroy method)
        }

        @Bean
        JobWatcher jobWatcher(AgentJobsClient client) {
            return JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();
        }

        @Bean
        Jobs jobs(JobWatcher watcher) {
            return new Jobs(watcher);
        }
    }

    private AgentJobsSimulator sim;
    private AnnotationConfigApplicationContext context;
    private DisposableServer server;
    private WebTestClient web;

    @BeforeEach
    void start() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).durations(JobDurations.fixed(Duration.ofMillis(500)))
                .createLimit(RateLimit.none()).build().start();
        context = new AnnotationConfigApplicationContext();
        context.registerBean(AgentJobsSimulator.class, () -> sim);
        context.register(App.class);
        context.refresh();
        ReactorResourceFactory resources = context.getBean(ReactorResourceFactory.class);
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(resources.getLoopResources())
                .handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.applicationContext(context).build()))
                .bindNow();
        web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + server.port()).responseTimeout(WAIT)
                .build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(WAIT);
        }
        if (context != null) {
            context.close();
        }
        sim.close();
    }

    private Flux<ServerSentEvent<String>> post(String prompt) {
        return web.post().uri("/jobs").contentType(MediaType.TEXT_PLAIN).accept(MediaType.TEXT_EVENT_STREAM)
                .bodyValue(prompt).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody();
    }

    @Test
    void aPromptPostedToTheController_streamsItsJobsEventsAsServerSentEvents_toTheEnd() {
        StepVerifier.create(post("Document the /health endpoint"))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("created");
                    assertThat(e.data()).isEqualTo("active");
                    assertThat(e.id()).isNotBlank();
                })
                .thenConsumeWhile(e -> !"terminal".equals(e.event()),
                        e -> assertThat(e.event()).isIn("status_changed", "pr_linked"))
                .assertNext(e -> assertThat(e.data()).isEqualTo("completed"))
                .expectComplete()
                .verify(WAIT);

        MeterRegistry registry = context.getBean(MeterRegistry.class);
        assertThat(registry.get("agentjobs.requests").tags("call", "create", "outcome", "2xx").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("agentjobs.transitions").tags("kind", "terminal", "status", "completed").counter()
                .count()).isEqualTo(1);
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void aSubscriberThatBlocksOnTheEventLoop_isCaughtByBlockHound_andPublishOnElsewhereIsTheCure() {
        JobWatcher watcher = context.getBean(JobWatcher.class);
        // Events arrive on the application's event loop (the client runs on the loops it was lent) ...
        StepVerifier.create(watcher.submit("blocking subscriber").doOnNext(e -> blockBriefly()))
                .expectError(BlockingOperationError.class)
                .verify(WAIT);
        // ... so blocking work moves off it first.
        StepVerifier.create(watcher.submit("well-behaved subscriber")
                        .publishOn(Schedulers.boundedElastic())
                        .doOnNext(e -> blockBriefly())
                        .map(JobEvent::kind))
                .expectNext(JobEvent.Kind.CREATED)
                .thenConsumeWhile(k -> k != JobEvent.Kind.TERMINAL)
                .expectNext(JobEvent.Kind.TERMINAL)
                .expectComplete()
                .verify(WAIT);
    }

    /** Parks the thread for a millisecond: what BlockHound reports on a non-blocking thread. */
    private static void blockBriefly() {
        try {
            new CountDownLatch(1).await(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBrowserThatGoesAway_stopsTheJobsPolls() throws InterruptedException {
        StepVerifier.create(post("Fix the typo in the README"))
                .assertNext(e -> assertThat(e.event()).isEqualTo("created"))
                .thenCancel()
                .verify(WAIT);

        Jobs jobs = context.getBean(Jobs.class);
        assertThat(jobs.streamsEnded.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(context.getBean(JobWatcher.class).activeWatches()).isZero();
    }
}
