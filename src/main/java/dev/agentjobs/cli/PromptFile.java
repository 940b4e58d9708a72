package dev.agentjobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.fanout.PromptInput;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The input of {@code fanout}: a {@code .txt} file, one prompt per line keyed by its line number, or a
 * {@code .jsonl} file, one {@code {"custom_id": ..., "prompt": ...}} object per line ({@code id} is accepted for
 * {@code custom_id}; other fields are ignored). Blank lines are skipped in both; in a {@code .txt} file the keys
 * stay the line numbers, so a key always points at its line.
 *
 * <p>{@link #check} reads the whole file once before anything is sent and refuses it, with the line number and
 * why, for invalid UTF-8, malformed JSON, a missing or empty field, a duplicate key, a prompt over
 * {@link #MAX_PROMPT_BYTES}, or no prompt at all. It keeps only the keys; {@link #prompts()} reads the file again
 * as it is consumed, so 10,000 prompt texts are never all in memory here.
 */
final class PromptFile {

    /**
     * The largest prompt accepted, in UTF-8 bytes. The API documents no limit; a prompt this long is almost
     * always a file pasted by mistake, and each one is kept in the ledger.
     */
    static final int MAX_PROMPT_BYTES = 256 * 1024;
    /** The longest key accepted. */
    static final int MAX_ID_LENGTH = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final boolean jsonl;
    private final Set<String> ids;

    private PromptFile(Path file, boolean jsonl, Set<String> ids) {
        this.file = file;
        this.jsonl = jsonl;
        this.ids = ids;
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws UsageException naming the file, the line and what is wrong
     */
    static PromptFile check(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonl;
        if (name.endsWith(".jsonl")) {
            jsonl = true;
        } else if (name.endsWith(".txt")) {
            jsonl = false;
        } else {
            throw new UsageException(file + ": the input must be a .txt file (one prompt per line) or a .jsonl"
                    + " file (one {\"custom_id\": ..., \"prompt\": ...} per line)");
        }
        Map<String, Integer> firstLine = new HashMap<>();
        read(file, jsonl, (line, input) -> {
            Integer earlier = firstLine.putIfAbsent(input.customId(), line);
            if (earlier != null) {
                throw new UsageException(file + ":" + line + ": custom_id '" + input.customId()
                        + "' is already used on line " + earlier);
            }
        });
        if (firstLine.isEmpty()) {
            throw new UsageException(file + ": the file holds no prompt");
        }
        return new PromptFile(file, jsonl, Set.copyOf(firstLine.keySet()));
    }

    /**
     * The prompts, read from the file again as they are requested (on a thread that may block: the reads are
     * file I/O), so only what the consumer buffers is in memory.
     */
    Flux<PromptInput> prompts() {
        return Flux.using(() -> new Reader(file, jsonl), reader -> Flux.fromIterable(() -> reader), Reader::close)
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** The keys of the file's prompts. */
    Set<String> ids() {
        return ids;
    }

    int size() {
        return ids.size();
    }

    Path file() {
        return file;
    }

    private interface LineConsumer {
        void accept(int line, PromptInput input);
    }

    private static void read(Path file, boolean jsonl, LineConsumer consumer) {
        try (Reader reader = new Reader(file, jsonl)) {
            while (reader.hasNext()) {
                PromptInput input = reader.next();
                consumer.accept(reader.line, input);
            }
        }
    }

    /** The file's prompts one at a time, skipping blank lines. */
    private static final class Reader implements Iterator<PromptInput>, AutoCloseable {
        private final Path file;
        private final boolean jsonl;
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private int line;
        private boolean eof;
        private PromptInput next;

        Reader(Path file, boolean jsonl) {
            this.file = file;
            this.jsonl = jsonl;
            try {
                this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            } catch (NoSuchFileException e) {
                throw new UsageException(file + ": no such file", e);
            } catch (IOException e) {
                throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null && !eof) {
                next = readOne();
            }
            return next != null;
        }

        @Override
        public PromptInput next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            PromptInput p = next;
            next = null;
            return p;
        }

        /** The prompt of the next line, or null for a blank line or the end. */
        private PromptInput readOne() {
            buf.reset();
            int b;
            try {
                while ((b = in.read()) != -1 && b != '\n') {
                    buf.write(b);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            eof = b == -1;
            if (eof && buf.size() == 0) {
                return null;
            }
            line++;
            String text = decode(file, line, buf.toByteArray());
            if (text.isBlank()) {
                return null;
            }
            return jsonl ? parseJson(file, line, text) : txt(file, line, text);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // Read-only: nothing was lost by a failed close.
            }
        }
    }

    private static String decode(Path file, int line, byte[] bytes) {
        int start = line == 1 && bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        int end = bytes.length > start && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (end - start > MAX_PROMPT_BYTES * 2 + 4096) {
            // Checked before decoding: no need to build a string of a runaway line to refuse it.
            throw new UsageException(file + ":" + line + ": the line is " + (end - start) + " bytes; a prompt"
                    + " may be at most " + MAX_PROMPT_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(file + ":" + line + ": the line is not valid UTF-8", e);
        }
    }

    private static PromptInput txt(Path file, int line, String text) {
        checkSize(file, line, text);
        return new PromptInput(Integer.toString(line), text);
    }

    private static PromptInput parseJson(Path file, int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UsageException(file + ":" + line + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new UsageException(file + ":" + line + ": expected a JSON object with custom_id and prompt");
        }
        JsonNode customId = node.get("custom_id");
        JsonNode alias = node.get("id");
        if (customId != null && alias != null) {
            throw new UsageException(file + ":" + line + ": both custom_id and id are given; use one");
        }
        JsonNode key = customId != null ? customId : alias;
        if (key == null || !key.isTextual() || key.textValue().isBlank()) {
            throw new UsageException(file + ":" + line + ": custom_id must be a non-empty string");
        }
        if (key.textValue().length() > MAX_ID_LENGTH) {
            throw new UsageException(file + ":" + line + ": custom_id is longer than " + MAX_ID_LENGTH
                    + " characters");
        }
        JsonNode prompt = node.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.textValue().isEmpty()) {
            throw new UsageException(file + ":" + line + ": prompt must be a non-empty string");
        }
        checkSize(file, line, prompt.textValue());
        return new PromptInput(key.textValue(), prompt.textValue());
    }

    private static void checkSize(Path file, int line, String prompt) {
        // UTF-8 takes at most 3 bytes per char of a String: only long prompts need counting.
        if ((long) prompt.length() * 3 > MAX_PROMPT_BYTES) {
            int bytes = prompt.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PROMPT_BYTES) {
                throw new UsageException(file + ":" + line + ": the prompt is " + bytes + " bytes; at most "
                        + MAX_PROMPT_BYTES + " are accepted");
            }
        }
    }
}
