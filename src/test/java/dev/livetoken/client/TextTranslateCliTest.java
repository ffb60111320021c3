package dev.livetoken.client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.emulator.EmulatedTextTranslation;
import dev.livetoken.support.LiveTestSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code translate-text}: the reference client's chat half, against the service and its emulator. */
@QuarkusTest
class TextTranslateCliTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LiveTranslateCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String service() {
        return "http://localhost:" + LiveTestSocket.httpPort();
    }

    @Test
    void printsTheStreamedTranslationAndTheFirstByteTime() {
        Run r = run(
                "translate-text",
                "--service",
                service(),
                "--dev-user",
                "alice@acme",
                "--target",
                "es",
                "Good",
                "morning,",
                "how",
                "are",
                "you",
                "today?");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(EmulatedTextTranslation.translate("Good morning, how are you today?", "es"));
        assertThat(r.out())
                .containsPattern("first byte \\d+ ms \\(service's own: \\d+ ms\\), total \\d+ ms; 32 characters");
    }

    @Test
    void theJsonFormPrintsTheWholeTranslation() {
        Run r = run(
                "translate-text",
                "--service",
                service(),
                "--dev-user",
                "alice@acme",
                "--target",
                "fr",
                "--json",
                "Hello");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("[fr] olleH");
    }

    @Test
    void refusalsAndMistakesHaveTheirExitCodes() {
        Run refused =
                run("translate-text", "--service", service(), "--dev-user", "alice@acme", "--target", "xx-nope", "Hi");
        assertThat(refused.exit()).isEqualTo(4);
        assertThat(refused.err()).contains("'xx-nope' is not a supported");
        Run broke = run(
                "translate-text",
                "--service",
                service(),
                "--dev-user",
                "alice@acme",
                "--target",
                "es",
                "one two three four [[emulator:fail-mid-stream]]");
        assertThat(broke.exit()).isEqualTo(5);
        assertThat(broke.out()).startsWith("[es] eno owt");
        assertThat(run("translate-text", "Hi").exit()).isEqualTo(2);
        assertThat(run("translate-text", "--service", "http://localhost:1", "--jwt", "x.y.z", "--target", "es", "Hi")
                        .exit())
                .isEqualTo(3);
    }
}
