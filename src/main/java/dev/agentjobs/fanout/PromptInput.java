package dev.agentjobs.fanout;

import java.util.Objects;

/**
 * One prompt to fan out and the key it is known by ({@code custom_id}, the batch APIs' convention). The key
 * is what makes a restart idempotent: a prompt already in the ledger under its key is never created again.
 *
 * <pre>{@code
 * new PromptInput("docs/intro.md", "Refresh the page docs/intro.md")
 * }</pre>
 *
 * @param customId the caller's key, unique within a ledger; not blank
 * @param prompt   what the agent should do; not empty
 */
public record PromptInput(String customId, String prompt) {

    public PromptInput {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(prompt, "prompt");
        if (customId.isBlank()) {
            throw new IllegalArgumentException("customId must not be blank");
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt of '" + customId + "' must not be empty");
        }
    }
}
