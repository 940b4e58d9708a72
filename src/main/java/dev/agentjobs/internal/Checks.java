package dev.agentjobs.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The library's one set of input checks: ids, prompts, durations and counts. Every public entry point (the
 * client, its builder, the watcher, the fan-out) checks through here, so the same mistake is named the same
 * way wherever it is made, and before any byte is sent.
 */
public final class Checks {

    private Checks() {
    }

    /** A prompt: not null, at least one character (whitespace is a prompt the server may accept). */
    public static String requirePrompt(String prompt) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must hold at least one character");
        }
        return prompt;
    }

    /** A job or project id: not null, not blank. */
    public static String requireId(String name, String id) {
        if (id == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty or blank, was '" + id + "'");
        }
        return id;
    }

    /** A duration above zero. */
    public static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /** A duration of zero or more. */
    public static Duration requireNonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    /**
     * A jitter fraction, within [0, 1): the delay is drawn within {@code (1 - jitter)} to {@code (1 + jitter)}
     * times nominal. Below 1 so that no draw can make a delay of 0, a retry or poll storm at once.
     */
    public static double requireJitter(String name, double value) {
        if (!(value >= 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(name + " must be within [0, 1), was " + value);
        }
        return value;
    }

    /** An int within {@code [min, max]}. */
    public static int requireWithin(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(max == Integer.MAX_VALUE
                    ? name + " must be at least " + min + ", was " + value
                    : name + " must be within [" + min + ", " + max + "], was " + value);
        }
        return value;
    }
}
