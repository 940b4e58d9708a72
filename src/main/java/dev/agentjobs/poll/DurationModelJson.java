package dev.agentjobs.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The saved form of a {@link DurationModel}: the two histograms (only their non-empty stretch), the job counts
 * and the grid they are on, so a file from another grid is refused rather than misread. A few KB; a file
 * larger than {@link #MAX_BYTES} is refused unread.
 */
final class DurationModelJson {

    static final String FORMAT = "agentjobs-duration-model";
    static final int VERSION = 1;
    static final int MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DurationModelJson() {
    }

    static String format(DurationModel model) {
        DurationModel.Snapshot s = model.snapshot();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("binRatio", DurationGrid.RATIO);
        root.put("bins", DurationGrid.BINS);
        root.put("learning", s.learning());
        root.put("endedJobs", rounded(s.endedJobs()));
        root.put("censoredJobs", rounded(s.censoredJobs()));
        root.set("ended", histogram(s.ended()));
        root.set("censored", histogram(s.censored()));
        return root.toString();
    }

    static void write(DurationModel model, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, format(model), StandardCharsets.UTF_8);
            // Atomic replace: a crash mid-save leaves the old model, never half of a new one.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static DurationModel read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the duration model " + file, e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("duration model " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        try {
            return parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("duration model " + file + ": " + e.getMessage(), e);
        }
    }

    static DurationModel parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("not a duration model (\"format\" must be \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("unsupported version " + root.path("version") + " (this reads "
                    + VERSION + ")");
        }
        if (root.path("bins").asInt(-1) != DurationGrid.BINS || root.path("binRatio").asDouble() != DurationGrid.RATIO) {
            throw new IllegalArgumentException("made on another grid (bins " + root.path("bins") + ", ratio "
                    + root.path("binRatio") + "; this one has " + DurationGrid.BINS + ", " + DurationGrid.RATIO + ")");
        }
        double endedJobs = count(root, "endedJobs");
        double censoredJobs = count(root, "censoredJobs");
        double[] ended = histogram(root, "ended");
        double[] censored = histogram(root, "censored");
        boolean learning = root.path("learning").asBoolean(true);
        if ((endedJobs > 0 || !learning) && sum(ended) <= 0) {
            throw new IllegalArgumentException("\"ended\" is empty, but the model claims jobs or a fixed distribution");
        }
        return DurationModel.restore(new DurationModel.Snapshot(learning, ended, endedJobs, censored, censoredJobs));
    }

    private static ObjectNode histogram(double[] values) {
        int from = 0;
        while (from < values.length && values[from] == 0) {
            from++;
        }
        int to = values.length - 1;
        while (to >= from && values[to] == 0) {
            to--;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("from", from > to ? 0 : from);
        ArrayNode array = node.putArray("values");
        for (int k = from; k <= to; k++) {
            array.add(rounded(values[k]));
        }
        return node;
    }

    private static double[] histogram(JsonNode root, String name) {
        JsonNode node = root.path(name);
        JsonNode values = node.path("values");
        int from = node.path("from").asInt(-1);
        if (!values.isArray() || from < 0 || from + values.size() > DurationGrid.BINS) {
            throw new IllegalArgumentException("\"" + name + "\" must be {from, values} within " + DurationGrid.BINS
                    + " bins");
        }
        double[] out = new double[DurationGrid.BINS];
        for (int i = 0; i < values.size(); i++) {
            out[from + i] = finiteNonNegative(name, values.get(i));
        }
        return out;
    }

    private static double count(JsonNode root, String name) {
        return finiteNonNegative(name, root.path(name));
    }

    private static double finiteNonNegative(String name, JsonNode node) {
        double v = node.isNumber() ? node.asDouble() : Double.NaN;
        if (!(v >= 0) || v > 1e12) {
            throw new IllegalArgumentException("\"" + name + "\" must hold numbers within [0, 1e12], was " + node);
        }
        return v;
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static double rounded(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
