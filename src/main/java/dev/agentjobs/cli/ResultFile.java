package dev.agentjobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.fanout.FanOutResult;
import dev.agentjobs.fanout.PromptState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code --out} file of {@code fanout}: one JSON line per prompt, appended as each ends, never a second line
 * for a prompt, across any number of runs and crashes. On opening it reads the keys already written; a last
 * line cut by a crash (no newline, or not JSON) is cut off, and the next run writes that prompt again from the
 * ledger. A line in the middle that is not a result means the file is not ours: refused, never appended to.
 *
 * <p>A prompt {@code IN_DOUBT} has a line too; a run with {@code --retry-in-doubt} first rewrites the file
 * without those lines (atomically), since those prompts are about to get an outcome.
 */
final class ResultFile implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Set<String> written;
    private final OutputStream out;

    private ResultFile(Path path, Set<String> written, OutputStream out) {
        this.path = path;
        this.written = written;
        this.out = out;
    }

    /**
     * Opens (or creates) {@code path} for appending.
     *
     * @param dropInDoubt rewrite the file without its {@code in_doubt} lines first
     * @throws UsageException when the file holds a line that is not a result
     */
    static ResultFile open(Path path, boolean dropInDoubt) {
        try {
            List<String> kept = new ArrayList<>();
            Set<String> written = new HashSet<>();
            boolean rewrite = readExisting(path, kept, written, dropInDoubt);
            if (rewrite) {
                Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
                Files.write(tmp, kept, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new ResultFile(path, written, out);
        } catch (IOException e) {
            throw new UsageException("cannot open --out " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads the lines already there; true when the file must be rewritten (a torn tail, in-doubt lines dropped). */
    private static boolean readExisting(Path path, List<String> kept, Set<String> written, boolean dropInDoubt)
            throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return false;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(text.lines().toList());
        boolean rewrite = false;
        if (!text.isEmpty() && !text.endsWith("\n")) {
            // Torn by a crash mid-write: the ledger still knows that prompt, and it is written again.
            lines.remove(lines.size() - 1);
            rewrite = true;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                rewrite = true;
                continue;
            }
            JsonNode node = parse(line);
            if (node == null || !node.path("custom_id").isTextual()) {
                throw new UsageException(path + ":" + (i + 1) + ": not a fanout result line; is --out pointing at"
                        + " the right file?");
            }
            if (dropInDoubt && "in_doubt".equals(node.path("state").asText())) {
                rewrite = true;
                continue;
            }
            written.add(node.get("custom_id").textValue());
            kept.add(line);
        }
        return rewrite;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** Appends the result's line unless its prompt has one already; true when it wrote. */
    boolean append(FanOutResult result) {
        if (!written.add(result.customId())) {
            return false;
        }
        try {
            out.write((line(result) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --out " + path + ": " + e.getMessage(), e);
        }
        return true;
    }

    boolean has(String customId) {
        return written.contains(customId);
    }

    /** The JSON line of a result, the form of {@code --out} and of {@code --json}. */
    static String line(FanOutResult r) {
        var n = JSON.createObjectNode();
        n.put("custom_id", r.customId());
        n.put("state", r.state().name().toLowerCase(Locale.ROOT));
        n.put("job_id", r.jobId());
        n.put("pr_link", r.prLink());
        n.put("error_kind", r.errorKind() == null ? null : r.errorKind().code());
        n.put("error", r.message());
        n.put("attempted_at", r.attemptedAt() == null ? null : r.attemptedAt().toString());
        return n.toString();
    }

    /** The human line of a result. */
    static String humanLine(FanOutResult r) {
        StringBuilder sb = new StringBuilder(r.customId()).append("  ")
                .append(r.state().name().toLowerCase(Locale.ROOT));
        if (r.jobId() != null) {
            sb.append("  ").append(r.jobId());
        }
        if (r.prLink() != null) {
            sb.append("  ").append(r.prLink());
        }
        if (r.errorKind() != null) {
            sb.append("  ").append(r.errorKind().code()).append(": ").append(r.message());
        }
        if (r.state() == PromptState.IN_DOUBT && r.attemptedAt() != null) {
            sb.append("  (create attempted ").append(r.attemptedAt()).append(')');
        }
        return sb.toString();
    }

    /** Syncs what was written; a crash after this loses no line. */
    void sync() {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            // The ledger is the record; a lost line is written again by the next run.
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close --out " + path + ": " + e.getMessage(), e);
        }
    }
}
