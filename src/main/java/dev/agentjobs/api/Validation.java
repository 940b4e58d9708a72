package dev.agentjobs.api;

import java.time.Duration;
import java.util.Objects;

/** Input checks shared by the facades: they run before any byte is sent. */
final class Validation {

    private Validation() {
    }

    static void requirePrompt(String prompt) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must hold at least one character");
        }
    }

    static void requireId(String name, String id) {
        if (id == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty or blank, was '" + id + "'");
        }
    }

    static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
