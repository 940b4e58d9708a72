package dev.agentjobs.fanout;

import dev.agentjobs.internal.Checks;

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
        Checks.requireId("customId", customId);
        try {
            Checks.requirePrompt(prompt);
        } catch (IllegalArgumentException e) {
            // Named by its custom id: in a file of 10,000 prompts the plain message would not say which one.
            throw new IllegalArgumentException(e.getMessage() + " (custom id '" + customId + "')", e);
        }
    }
}
