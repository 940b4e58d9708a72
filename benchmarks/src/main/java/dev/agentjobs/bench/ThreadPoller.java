package dev.agentjobs.bench;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code threads}, {@code virtual-threads} and {@code virtual-threads-tuned}: the loop everyone writes first,
 * one thread per job, a shared blocking {@link HttpClient} (the JDK's own, as its javadoc recommends: one
 * client, many requests) and {@code Thread.sleep} between polls. Sleeping is this peer's whole design, which
 * is what is measured here; the project's own code never sleeps.
 *
 * <p>Virtual threads are started through {@code Thread.ofVirtual()}, looked up at run time so this module
 * still compiles for Java 17; on a JDK without them {@link #open} fails and the run is reported as skipped.
 * {@code virtual-threads} keeps the client's default executor, which runs the client's own tasks (response
 * handling, completing the blocked {@code send}) on a cached pool of platform threads: hundreds of them at
 * 10,000 jobs. {@code virtual-threads-tuned} is what a careful user writes instead:
 * {@code HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())} (the executor the JDK
 * documents for a task per virtual thread), so only the client's selector thread is a platform thread.
 */
final class ThreadPoller implements Poller {

    /** Which threads run the loops, and which the HTTP client's own tasks. */
    enum Kind {
        PLATFORM, VIRTUAL, VIRTUAL_TUNED
    }

    private final Kind kind;
    private HttpClient http;
    private Target target;
    private PollRecorder recorder;
    private long intervalMillis;
    private MethodHandle startVirtual;

    ThreadPoller(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void open(Target target, PollRecorder recorder) throws ReflectiveOperationException {
        if (kind == Kind.PLATFORM) {
            requireThreadRoom(target.jobs());
        } else {
            startVirtual = virtualThreadStarter();
        }
        this.target = target;
        this.recorder = recorder;
        this.intervalMillis = Duration.ofNanos(recorder.intervalNanos()).toMillis();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (kind == Kind.VIRTUAL_TUNED) {
            builder.executor(virtualThreadPerTaskExecutor());
        }
        this.http = builder.build();
    }

    @Override
    public Map<String, Object> setup() {
        return Map.of("loopThreads", kind == Kind.PLATFORM ? "platform" : "virtual",
                "httpClientExecutor", kind == Kind.VIRTUAL_TUNED ? "Executors.newVirtualThreadPerTaskExecutor()"
                        : "default (cached pool of platform threads)");
    }

    /**
     * Refuses, as a failure of this peer, a job count the kernel cannot give threads to: every platform
     * thread takes a pid, and running the machine out of pids would break every other process on it.
     */
    static void requireThreadRoom(int jobs) {
        long limit = Math.min(kernelLimit("/proc/sys/kernel/pid_max"), kernelLimit("/proc/sys/kernel/threads-max"));
        if (jobs > limit * 3 / 4) {
            throw new IllegalStateException("not attempted: " + jobs + " platform threads exceed what this kernel"
                    + " allows (pid_max/threads-max " + limit + "; every thread takes a pid)");
        }
    }

    private static long kernelLimit(String file) {
        try {
            // Not readString: /proc files report a size the JDK trusts, and it read "3" from "32768" here.
            return Long.parseLong(Files.readAllLines(Path.of(file)).get(0).strip());
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@code runnable -> Thread.ofVirtual().start(runnable)}, or a failure naming the JDK that lacks it. */
    static MethodHandle virtualThreadStarter() throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> builderType;
        try {
            builderType = Class.forName("java.lang.Thread$Builder");
        } catch (ClassNotFoundException e) {
            throw new UnsupportedOperationException("virtual threads need JDK 21+, this is JDK "
                    + Runtime.version().feature(), e);
        }
        MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual",
                MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
        MethodHandle start = lookup.findVirtual(builderType, "start", MethodType.methodType(Thread.class,
                Runnable.class));
        // (Runnable) -> start(ofVirtual(), runnable)
        return MethodHandles.collectArguments(start, 0, ofVirtual.asType(MethodType.methodType(builderType)));
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, looked up at run time like {@code Thread.ofVirtual()}. */
    static ExecutorService virtualThreadPerTaskExecutor() throws ReflectiveOperationException {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void probe(int job) throws Exception {
        fetch(request(job));
    }

    @Override
    public void watch(int job) {
        Runnable loop = () -> poll(job);
        if (kind == Kind.PLATFORM) {
            Thread t = new Thread(loop, "poll-" + job);
            t.setDaemon(true);
            t.start();
            return;
        }
        try {
            startVirtual.invoke(loop);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void poll(int job) {
        recorder.firstDue(job, System.nanoTime());
        HttpRequest request = request(job);
        try {
            while (true) {
                recorder.sent(job);
                String status;
                try {
                    status = fetch(request);
                    recorder.completed(job);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    recorder.failed(job);
                    status = "error";
                }
                if (JobStatusText.isTerminal(status)) {
                    return;
                }
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest request(int job) {
        return HttpRequest.newBuilder(URI.create(target.baseUrl() + target.path(job)))
                .header("Authorization", target.authorization())
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    private String fetch(HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        return JobStatusText.parse(response.body());
    }
}
