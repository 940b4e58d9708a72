package dev.agentjobs.api;

/**
 * A call refused because its client was closed before the request was sent: nothing reached the server, so a
 * create that fails this way created no job and may be made again by a client that is open.
 *
 * <pre>{@code
 * client.create(prompt).onErrorResume(ClientClosedException.class, e -> Mono.empty());
 * }</pre>
 *
 * <p>An {@link IllegalStateException}, as calling a closed client is a caller's mistake.
 */
public final class ClientClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ClientClosedException(String message) {
        super(message);
    }
}
