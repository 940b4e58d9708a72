package dev.agentjobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The top-level {@code agentjobs} command: only holds the subcommands, {@code --help} and {@code --version}. */
@Command(name = "agentjobs", mixinStandardHelpOptions = true, versionProvider = AgentJobsCommand.Version.class,
        description = {
            "Drive Mintlify agent jobs: create one, watch it to its end, send it follow-ups.",
            "Configured by MINTLIFY_API_KEY, MINTLIFY_PROJECT_ID and AGENTJOBS_BASE_URL, or use --simulate."},
        subcommands = {RunCommand.class, CreateCommand.class, GetCommand.class, WatchCommand.class,
            MessageCommand.class, FanoutCommand.class, SimulateCommand.class, ServeCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success (completed), 1 job failed or archived, 2 usage or invalid input"
                + " (nothing sent), 3 API or transport error, 4 deadline exceeded, 5 outcome unknown,"
                + " 130 interrupted; fanout: see 'agentjobs fanout --help'."})
final class AgentJobsCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, create, get,"
                + " watch, message, fanout, simulate or serve");
    }

    /** The version from the jar's Maven metadata; "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = AgentJobsCommand.class.getResourceAsStream(
                    "/META-INF/maven/dev.agentjobs/agentjobs/pom.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"agentjobs " + p.getProperty("version", "(development build)")};
        }
    }
}
