package dev.livetoken.emulator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Part;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.translate.TranslationPrompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official SDKs' {@code generateContentStream}, unmodified, against the emulated
 * {@code streamGenerateContent?alt=sse}: if they read our stream, it has Google's wire shape. The
 * JavaScript SDK ({@code @google/genai}, pinned, installed with npm into {@code target/js-witness})
 * is the witness the issue names; the Java SDK (already a test dependency) is a second one.
 */
@QuarkusTest
class TextStreamSdkWitnessTest {

    static final String JS_SDK = "@google/genai@2.32.0";
    static final String TEXT = "The first byte hit my terminal in under four hundred milliseconds";
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    static String instruction() {
        LanguageCatalog languages = new LanguageCatalog();
        return TranslationPrompt.instruction(languages.find("es").orElseThrow(), null);
    }

    @Test
    void javaSdkStreamsTheEmulatedTranslation() {
        Client client = Client.builder()
                .apiKey("emulator-dev-key")
                .httpOptions(HttpOptions.builder()
                        .baseUrl("http://localhost:" + port)
                        .build())
                .build();
        GenerateContentConfig config = GenerateContentConfig.builder()
                .temperature(0.1f)
                .systemInstruction(Content.fromParts(Part.fromText(instruction())))
                .build();
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                client.models.generateContentStream("gemini-3.1-flash-lite", TEXT, config)) {
            stream.forEach(chunks::add);
        }
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(3);
        assertThat(String.join(
                        "", chunks.stream().map(GenerateContentResponse::text).toList()))
                .isEqualTo(EmulatedTextTranslation.translate(TEXT, "es"));
        GenerateContentResponse last = chunks.get(chunks.size() - 1);
        assertThat(last.finishReason().toString()).isEqualTo("STOP");
        assertThat(last.usageMetadata().orElseThrow().candidatesTokenCount().orElseThrow())
                .isPositive();
        assertThat(chunks.get(0).finishReason().toString()).isNotEqualTo("STOP");
        // an ephemeral token is refused outside the Live API, as Google does: the reason this service exists
        Client withToken = Client.builder()
                .apiKey("auth_tokens/some-ephemeral-token")
                .httpOptions(HttpOptions.builder()
                        .baseUrl("http://localhost:" + port)
                        .build())
                .build();
        assertThatThrownBy(() -> withToken
                        .models
                        .generateContentStream("gemini-3.1-flash-lite", TEXT, config)
                        .forEach(c -> {}))
                .hasMessageContaining("401");
    }

    @Test
    void javascriptSdkStreamsTheEmulatedTranslation() throws Exception {
        Path dir = Path.of("target", "js-witness").toAbsolutePath();
        boolean ci = System.getenv("CI") != null;
        boolean haveNode = run(dir.getParent(), 20, "node", "--version") == 0;
        if (!ci) {
            assumeTrue(haveNode, "node is not installed; the CI installs it (.ci/install-tools)");
        }
        assertThat(haveNode).as("node on the PATH").isTrue();
        if (!Files.isDirectory(dir.resolve("node_modules/@google/genai"))) {
            Files.createDirectories(dir);
            Files.writeString(
                    dir.resolve("package.json"), "{\"name\":\"js-witness\",\"private\":true,\"type\":\"module\"}");
            assertThat(run(dir, 300, "npm", "install", "--no-audit", "--no-fund", "--silent", JS_SDK))
                    .as("npm install " + JS_SDK)
                    .isZero();
        }
        Path script = dir.resolve("stream.mjs");
        Files.writeString(script, """
                import { GoogleGenAI } from '@google/genai';
                const ai = new GoogleGenAI({ apiKey: 'emulator-dev-key', httpOptions: { baseUrl: process.env.BASE } });
                const stream = await ai.models.generateContentStream({
                  model: 'gemini-3.1-flash-lite',
                  contents: process.env.TEXT,
                  config: { temperature: 0.1, systemInstruction: process.env.INSTRUCTION },
                });
                const out = [];
                for await (const chunk of stream) {
                  out.push({ text: chunk.text ?? '', finishReason: chunk.candidates?.[0]?.finishReason ?? null,
                             usage: chunk.usageMetadata ?? null });
                }
                console.log(JSON.stringify(out));
                """);
        Path output = dir.resolve("stream-output.json");
        ProcessBuilder pb = new ProcessBuilder("node", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("BASE", "http://localhost:" + port);
        pb.environment().put("TEXT", TEXT);
        pb.environment().put("INSTRUCTION", instruction());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isZero();
        JsonNode chunks = JSON.readTree(
                printed.lines().filter(l -> l.startsWith("[")).findFirst().orElseThrow());
        assertThat(chunks.size()).isGreaterThanOrEqualTo(3);
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.get("text").asText()));
        assertThat(text.toString()).isEqualTo(EmulatedTextTranslation.translate(TEXT, "es"));
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.get("finishReason").asText()).isEqualTo("STOP");
        assertThat(last.get("usage").get("candidatesTokenCount").asInt()).isPositive();
        assertThat(chunks.get(0).get("finishReason").isNull()).isTrue();
    }

    private static int run(Path dir, int seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
