package dev.agentjobs.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a client command sends its calls. Each flag overrides its environment variable; the key has no flag
 * of its own (a command line is visible to every user of the machine): it comes from {@code MINTLIFY_API_KEY}
 * or from a file.
 */
final class ConnectionOptions {

    static final String ENV_API_KEY = "MINTLIFY_API_KEY";
    static final String ENV_PROJECT = "MINTLIFY_PROJECT_ID";
    static final String ENV_BASE_URL = "AGENTJOBS_BASE_URL";

    @Option(names = "--project", paramLabel = "ID",
            description = "Project id (default: $" + ENV_PROJECT + ").")
    String project;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "API base URL (default: $" + ENV_BASE_URL + ", else https://api.mintlify.com).")
    String baseUrl;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "Read the API key from FILE (default: $" + ENV_API_KEY + ").")
    Path apiKeyFile;

    @Option(names = "--simulate",
            description = "Start an embedded simulator in this process and use it: no key or project needed.")
    boolean simulate;
}
