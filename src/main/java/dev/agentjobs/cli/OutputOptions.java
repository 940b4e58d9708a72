package dev.agentjobs.cli;

import picocli.CommandLine.Option;

/** How a client command prints: human lines by default, JSON lines with {@code --json}. */
final class OutputOptions {

    @Option(names = "--json", description = "Print each job (or event) as one JSON line.")
    boolean json;

    @Option(names = "--verbose", description = "On error, also print the stack trace (never the API key).")
    boolean verbose;
}
