package dev.agentjobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a prompt comes from: the {@code PROMPT} argument, or {@code --prompt-file FILE} ({@code -} for standard
 * input). A file is the way to give a long prompt (the OS refuses arguments past a few hundred KiB) and the way
 * around a locale that cannot decode the argument: the file is read as UTF-8 whatever the locale.
 *
 * <pre>{@code
 * agentjobs create --prompt-file task.md
 * git log -1 --format=%B | agentjobs run --prompt-file -
 * }</pre>
 */
final class PromptInput {

    /**
     * The largest prompt file: the API documents no limit, and 1 MiB is far above any real prompt while it
     * stops a mistaken file (a log, a binary) from being sent.
     */
    static final int MAX_BYTES = 1 << 20;

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "Read the prompt from FILE instead of PROMPT (UTF-8, at most 1 MiB; - for standard input).")
    String file;

    /**
     * The prompt: {@code argument}, or the file's contents.
     *
     * @throws UsageException when both or neither are given, or the file is unreadable, too large, not UTF-8
     *                        or empty
     */
    String resolve(String argument, CliContext context) {
        if (file == null) {
            if (argument == null || argument.isEmpty()) {
                throw new UsageException("PROMPT must not be empty (or give --prompt-file FILE)");
            }
            return argument;
        }
        if (argument != null) {
            throw new UsageException("give either PROMPT or --prompt-file, not both");
        }
        String prompt = decode(read(context));
        if (prompt.isEmpty()) {
            throw new UsageException("--prompt-file " + shownName() + " is empty");
        }
        return prompt;
    }

    private byte[] read(CliContext context) {
        byte[] bytes;
        try {
            if (file.equals("-")) {
                bytes = context.in().readNBytes(MAX_BYTES + 1);
            } else {
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    bytes = in.readNBytes(MAX_BYTES + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot read --prompt-file " + shownName() + ": " + e.getClass().getSimpleName(),
                    e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new UsageException("--prompt-file " + shownName() + " is larger than 1 MiB (" + MAX_BYTES
                    + " bytes)");
        }
        return bytes;
    }

    private String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException("--prompt-file " + shownName() + " is not UTF-8 text", e);
        }
    }

    private String shownName() {
        return file.equals("-") ? "(standard input)" : TerminalText.abbreviate(TerminalText.escape(file));
    }
}
