package dev.agentjobs.cli;

import dev.agentjobs.poll.DurationModel;
import dev.agentjobs.poll.JobWatcher;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model-file PATH}: where an adaptive command ({@code --target-lag}) keeps what it learned of how long
 * jobs take, so the next run does not start cold. Loaded before anything is sent (a file that is not a duration
 * model is a usage error, exit 2, and is left as it is); saved when the command ends, whatever its outcome,
 * by writing a temporary file next to it and moving it over the old one, so a reader never sees half a model.
 * Only {@code run} teaches the model (it watches its job from birth); {@code watch} and {@code message --wait}
 * plan with it.
 */
final class ModelFileOption {

    @Option(names = "--model-file", paramLabel = "PATH",
            description = "With --target-lag: load the learned job durations from PATH if it exists, save them"
                    + " there when the command ends.")
    Path file;

    private DurationModel model;

    /**
     * Loads the model, or starts a new one when the file does not exist yet; nothing when no file was given.
     *
     * @throws UsageException without {@code --target-lag}, or when the file is unreadable or not a model
     */
    void load(boolean adaptive) {
        if (file == null) {
            return;
        }
        if (!adaptive) {
            throw new UsageException("--model-file only applies with --target-lag");
        }
        if (!Files.exists(file)) {
            model = DurationModel.learning();
            return;
        }
        try {
            model = DurationModel.load(file);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException("--model-file " + file + " refused: " + e.getMessage()
                    + " (not changed; remove it or pass another path to start a new model)", e);
        }
    }

    /** {@code builder} with the loaded model, if any. */
    JobWatcher.Builder apply(JobWatcher.Builder builder) {
        return model == null ? builder : builder.durationModel(model);
    }

    /** Saves the model, if one was loaded; a failure is reported on {@code err}, not fatal to the command. */
    void save(PrintWriter err) {
        if (model == null) {
            return;
        }
        try {
            model.save(file);
        } catch (UncheckedIOException e) {
            err.println("warning: " + e.getMessage() + ": " + e.getCause().getMessage());
            err.flush();
        }
    }
}
