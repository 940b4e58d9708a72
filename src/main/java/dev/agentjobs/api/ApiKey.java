package dev.agentjobs.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * An admin API key, kept out of every {@code toString()}, log line and exception message.
 *
 * <p>Read it from the environment or from a file; never from a command-line argument, where other users
 * of the machine can see it.
 *
 * <pre>{@code
 * ApiKey key = ApiKey.fromEnvironment("MINTLIFY_API_KEY");
 * ApiKey same = ApiKey.fromFile(Path.of("/run/secrets/mintlify"));
 * }</pre>
 */
public final class ApiKey {

    /** The largest key file read; a key is a few dozen bytes, and {@code /dev/zero} must not fill the heap. */
    public static final int MAX_FILE_BYTES = 4096;

    private final String value;

    private ApiKey(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("API key is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                // Do not echo the value: it is a secret, even when malformed.
                throw new IllegalArgumentException("API key holds a character that cannot go in an HTTP header"
                        + " (position " + i + ")");
            }
        }
        this.value = value;
    }

    /** Wraps a key held in memory (from a secret store, say). */
    public static ApiKey of(String value) {
        return new ApiKey(value == null ? null : value.strip());
    }

    /** Reads the key from an environment variable. */
    public static ApiKey fromEnvironment(String variable) {
        String v = System.getenv(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set or empty");
        }
        return of(v);
    }

    /**
     * Reads the key from a file; surrounding white space (a trailing newline) is dropped. At most
     * {@link #MAX_FILE_BYTES} are read: a larger file (or an endless one) is refused.
     *
     * @throws IllegalArgumentException when the file is larger than {@link #MAX_FILE_BYTES} or holds no valid key
     * @throws UncheckedIOException     when it cannot be read
     */
    public static ApiKey fromFile(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API key file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("API key file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return of(new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * The secret itself, for the {@code Authorization} header (and the transport's scan of answers that echo
     * it) and nothing else.
     */
    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of this key replaced by {@code [REDACTED]}. */
    public String redactFrom(String text) {
        return text == null ? null : text.replace(value, "[REDACTED]");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[REDACTED]";
    }
}
