package dev.agentjobs.hostile;

import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.invocation;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.cli.CliHarness;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A careless user's input is refused before anything is sent (exit 2), or sent exactly as meant. */
class CliInputValidationTest {

    private final AgentJobsSimulator sim = CliHarness.simulator(Duration.ofSeconds(30));

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void atFileArgument_isSentLiterally_neverExpanded() throws Exception {
        Path secret = Files.writeString(dir.resolve("notes"), "private notes");
        run(env(sim), "create", "@" + secret).assertExit(0);
        assertThat(onlyCreate().body()).contains("\"@" + secret + "\"").doesNotContain("private notes");
    }

    @Test
    void promptFile_sendsTheFileAsThePrompt_evenOneMegabyte() throws Exception {
        String prompt = "Rewrite the docs: \u00e9t\u00e9 " + "y".repeat(1_000_000);
        Path file = Files.writeString(dir.resolve("prompt.txt"), prompt);
        run(env(sim), "create", "--prompt-file", file.toString()).assertExit(0);
        assertThat(onlyCreate().body()).isEqualTo("{\"prompt\":\"" + prompt + "\"}");
    }

    @Test
    void promptFileDash_readsStandardInput() throws Exception {
        invocation(env(sim)).stdin("From a pipe \u2713".getBytes(StandardCharsets.UTF_8))
                .run("create", "--prompt-file", "-").assertExit(0);
        assertThat(onlyCreate().body()).isEqualTo("{\"prompt\":\"From a pipe \u2713\"}");
    }

    @Test
    void promptFile_worksForRunAndMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("p"), "Also the changelog");
        String id = run(env(sim), "create", "--json", "x").assertExit(0).json().get("id").asText();
        onlyCreate();
        run(env(sim), "message", id, "--prompt-file", file.toString()).assertExit(0);
        RecordedRequest message = sim.takeRequest(Duration.ofSeconds(5));
        assertThat(message.callKind()).isEqualTo(CallKind.MESSAGE);
        assertThat(message.body()).isEqualTo("{\"prompt\":\"Also the changelog\"}");
        run(env(sim), "run", "--deadline", "300ms", "--interval", "100ms", "--prompt-file", file.toString())
                .assertExit(4);
        assertThat(sim.takeRequest(Duration.ofSeconds(5)).body()).isEqualTo("{\"prompt\":\"Also the changelog\"}");
    }

    @Test
    void promptFileLargerThanTheCap_exits2AndSendsNothing() throws Exception {
        Path file = Files.write(dir.resolve("big"), new byte[(1 << 20) + 1]);
        CliHarness.Result r = run(env(sim), "create", "--prompt-file", file.toString()).assertExit(2);
        assertThat(r.err()).contains("--prompt-file").contains("1 MiB");
        assertNothingSent();
    }

    @Test
    void promptFileThatIsNotUtf8_exits2AndSendsNothing() throws Exception {
        Path file = Files.write(dir.resolve("latin1"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        CliHarness.Result r = run(env(sim), "create", "--prompt-file", file.toString()).assertExit(2);
        assertThat(r.err()).contains("UTF-8");
        assertNothingSent();
    }

    @Test
    void promptFileAndPromptArgument_exits2AndSendsNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("p"), "one");
        run(env(sim), "create", "--prompt-file", file.toString(), "two").assertExit(2);
        assertNothingSent();
    }

    @Test
    void argumentHoldingUndecodableCharacter_exits2_sayingHowToFixTheLocale() {
        // What the JVM makes of "café" passed under LANG=C.
        CliHarness.Result r = run(env(sim), "create", "Fix the caf\uFFFD\uFFFD page").assertExit(2);
        assertThat(r.err()).contains("U+FFFD").contains("LANG=C.UTF-8").contains("--prompt-file");
        assertNothingSent();
    }

    @Test
    void baseUrlPortOutOfRange_exits2AndSendsNothing() {
        CliHarness.Result r = run(env(sim), "create", "--base-url", "http://127.0.0.1:99999", "x").assertExit(2);
        assertThat(r.err()).contains("99999");
        run(env(sim), "create", "--base-url", "http://127.0.0.1:65536", "x").assertExit(2);
    }

    @Test
    void baseUrlNotAUrl_messageNeverShowsTheUserInfoPassword() {
        CliHarness.Result r = run(env(sim), "create", "--base-url", "http://bob:hunter2@bad host/", "x")
                .assertExit(2);
        assertThat(r.err()).contains("--base-url").doesNotContain("hunter2");
        Map<String, String> env = env(sim);
        env.put("AGENTJOBS_BASE_URL", "http://bob:hunter2@host:99999999999/");
        assertThat(run(env, "create", "x").assertExit(2).err()).doesNotContain("hunter2");
    }

    @Test
    void apiKeyFileWithoutEnd_exits2Promptly() {
        CliHarness.Result r = run(env(sim), "create", "--api-key-file", "/dev/zero", "x").assertExit(2);
        assertThat(r.err()).contains("/dev/zero").contains("4096 bytes");
    }

    @Test
    void apiKeyFileLargerThan4KiB_exits2() throws IOException {
        Path file = Files.writeString(dir.resolve("key"), "mint_" + "k".repeat(5000));
        run(env(sim), "create", "--api-key-file", file.toString(), "x").assertExit(2);
        assertNothingSent();
    }

    private RecordedRequest onlyCreate() throws InterruptedException {
        RecordedRequest r = sim.takeRequest(Duration.ofSeconds(5));
        assertThat(r).isNotNull();
        assertThat(r.callKind()).isEqualTo(CallKind.CREATE);
        return r;
    }

    private void assertNothingSent() {
        assertThat(sim.stats().requests()).isZero();
    }
}
