package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library without its optional dependencies (Micrometer, resilience4j-micrometer, context-propagation): the CLI
 * jar leaves them out and still runs a job to its end, and so does the library on the module path, where
 * {@code requires static} must be what lets the module resolve without them.
 */
class WithoutOptionalLibrariesIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static boolean optional(String path) {
        return path.contains("micrometer") || path.contains("context-propagation")
                || path.contains("HdrHistogram") || path.contains("LatencyUtils");
    }

    @Test
    void theCliJar_holdsNoneOfThem_andRunsAJobToItsEnd() throws IOException {
        try (JarFile jar = new JarFile(CliJarProcess.jar().toFile())) {
            assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/micrometer/")
                    || n.startsWith("io/github/resilience4j/micrometer/"))).isEmpty();
        }
        int exit = CliJarProcess.run(dir, "run", java.util.Map.of(),
                List.of("run", "--simulate", "Fix the typo in the README"), LIMIT);
        assertThat(exit).as(Files.readString(dir.resolve("run.err"))).isZero();
        assertThat(Files.readString(dir.resolve("run.out"))).contains("completed");
    }

    @Test
    void theLibraryOnTheModulePath_resolvesAndRunsAJobWithoutThem() throws Exception {
        String libraryJar = System.getProperty("agentjobs.libraryJar");
        Path classpathFile = Path.of(System.getProperty("agentjobs.runtimeClasspath"));
        List<String> modulePath = new ArrayList<>(List.of(libraryJar));
        Arrays.stream(Files.readString(classpathFile).strip().split(File.pathSeparator))
                .filter(p -> !p.isBlank() && !optional(p)).forEach(modulePath::add);
        assertThat(modulePath).noneMatch(WithoutOptionalLibrariesIT::optional).hasSizeGreaterThan(5);

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-p", modulePath.stream().collect(Collectors.joining(File.pathSeparator)),
                "--add-modules", "info.picocli",
                "-m", "dev.agentjobs/dev.agentjobs.cli.Main", "run", "--simulate", "Document the /health endpoint");
        Path out = dir.resolve("module.out");
        Path err = dir.resolve("module.err");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("ended within " + LIMIT).isTrue();
            assertThat(p.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readString(out)).contains("completed");
        } finally {
            p.destroyForcibly();
        }
    }
}
