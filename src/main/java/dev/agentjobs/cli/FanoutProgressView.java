package dev.agentjobs.cli;

import dev.agentjobs.fanout.FanOutRun;
import dev.agentjobs.fanout.PromptState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * How {@code fanout} shows its progress on standard error: a live bar when that is a terminal, else one plain
 * line per update (every few seconds), and a summary table at the end. Called from the command's own thread
 * only: no output is written from the event loop.
 */
abstract class FanoutProgressView implements AutoCloseable {

    /**
     * A bar when the process's standard error is a terminal (drawn there directly), else plain lines on
     * {@code err}. Tests run with standard error on a pipe, so they always get lines.
     */
    static FanoutProgressView create(PrintWriter err) {
        return stderrIsTerminal() ? new Bar() : new Lines(err);
    }

    /** How often {@link #update} should be called. */
    abstract Duration period();

    abstract void update(FanOutRun.Progress p);

    @Override
    public void close() {
    }

    /** The one-line form of a progress snapshot. */
    static String counts(FanOutRun.Progress p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.completed()).append(" completed, ").append(p.active()).append(" active, ")
                .append(p.pending() + p.creating()).append(" pending");
        append(sb, p.failed() + p.archived(), "failed");
        append(sb, p.inDoubt(), "in doubt");
        append(sb, p.rejected(), "rejected");
        append(sb, p.errors(), "errors");
        sb.append("; ").append(p.createsInWindow()).append(" creates in the budget window");
        if (!p.createTimeLeft().isZero()) {
            sb.append(", creating done in ~").append(human(p.createTimeLeft()));
        }
        if (p.createsPausedUntil() != null) {
            sb.append("; creates paused until ").append(p.createsPausedUntil().truncatedTo(ChronoUnit.SECONDS))
                    .append(" (the server refused one)");
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, long n, String what) {
        if (n > 0) {
            sb.append(", ").append(n).append(' ').append(what);
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return s / 3600 + "h " + (s % 3600) / 60 + "m";
        }
        return s >= 60 ? s / 60 + "m " + s % 60 + "s" : s + "s";
    }

    /** The table printed at the end: prompts per state. */
    static void summary(PrintWriter err, Map<PromptState, Long> counts) {
        err.println("state        prompts");
        long total = 0;
        for (PromptState s : PromptState.values()) {
            long n = counts.getOrDefault(s, 0L);
            total += n;
            if (n > 0) {
                err.printf("%-12s %7d%n", s.name().toLowerCase(java.util.Locale.ROOT), n);
            }
        }
        err.printf("%-12s %7d%n", "total", total);
        err.flush();
    }

    /**
     * Whether this process's standard error is a terminal. Java has no direct test; on Linux the target of
     * /proc/self/fd/2 tells, elsewhere a console means an interactive session.
     */
    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.exists(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception e) {
            // Not Linux, or not allowed: fall through.
        }
        return System.console() != null;
    }

    /** One plain line per update. */
    static final class Lines extends FanoutProgressView {
        private final PrintWriter err;

        Lines(PrintWriter err) {
            this.err = err;
        }

        @Override
        Duration period() {
            return Duration.ofSeconds(5);
        }

        @Override
        void update(FanOutRun.Progress p) {
            if (p.total() == 0) {
                return;   // The input is still being registered.
            }
            err.println("progress: " + p.done() + "/" + p.total() + " done; " + counts(p));
            err.flush();
        }
    }

    /** A live bar (me.tongfei:progressbar) on the real standard error. */
    static final class Bar extends FanoutProgressView {
        private ProgressBar bar;

        @Override
        Duration period() {
            return Duration.ofSeconds(1);
        }

        @Override
        void update(FanOutRun.Progress p) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("fanout").setInitialMax(p.total())
                        .setStyle(ProgressBarStyle.ASCII).hideEta().setUpdateIntervalMillis(500)
                        .continuousUpdate().build();
            }
            bar.maxHint(p.total());
            bar.stepTo(p.done());
            bar.setExtraMessage(counts(p));
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
