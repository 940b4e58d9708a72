package dev.agentjobs.cli;

/**
 * The command line or the environment is wrong or incomplete (no key, no project, an unreadable key file,
 * an empty prompt): reported before anything is sent, with exit code {@link ExitCodes#USAGE}.
 */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }

    UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
