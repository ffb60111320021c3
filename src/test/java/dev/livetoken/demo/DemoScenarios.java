package dev.livetoken.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

import dev.livetoken.emulator.EmulatedTranslation;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user does on the demo page, and what must hold afterwards; shared by the browser tests. */
final class DemoScenarios {

    /** Every ephemeral token starts with it; no console line, URL or storage may contain one. */
    static final String TOKEN_PREFIX = "auth_tokens/";
    /** Every JWT starts with it (base64url of {@code {"}). */
    static final String JWT_PREFIX = "eyJ";

    private static final Pattern SECONDS = Pattern.compile("\\[emulated] (\\d+\\.\\d) s of speech heard");

    private DemoScenarios() {}

    static String url(String base, String source) {
        return base + "?autostart=1&user=alice@acme&target=es&source=" + source;
    }

    /**
     * The fake microphone (the sample, looped): the page goes live, survives a goAway, shows both
     * transcripts with their language codes and plays the translated audio; Stop closes it.
     */
    static void talkThroughTheMicrophone(DemoBrowser b, String demoUrl, Path screenshot) throws Exception {
        b.open(url(demoUrl, "mic"));
        b.await("live", Duration.ofSeconds(20), () -> "live".equals(b.state()));
        b.await("a resumption after goAway", Duration.ofSeconds(15), () -> b.bodyNumber("data-resumptions") >= 1);
        int atResume = b.lines("translation").size();
        b.await(
                "transcripts after the resumption",
                Duration.ofSeconds(15),
                () -> b.lines("translation").size() >= atResume + 2 && "live".equals(b.state()));
        assertLanguages(b);
        assertThat(b.bodyNumber("data-played-bytes"))
                .as("translated audio scheduled for playback")
                .isGreaterThanOrEqualTo(2 * 24_000 * 2);
        b.screenshot(screenshot);
        b.driver.findElement(By.id("stop-btn")).click();
        b.await("closed after Stop", Duration.ofSeconds(5), () -> "closed".equals(b.state()));
        assertNoSecretsAnywhere(b);
        assertFrames(b);
    }

    /**
     * Play sample: the repository's WAV goes through the same capture path, across goAways, and
     * every second of it arrives once: the emulator's transcripts add up to the sample's 6.2 s and
     * the translated audio to 6.2 s at 24 kHz.
     */
    static void playTheSample(DemoBrowser b, String demoUrl) {
        b.open(url(demoUrl, "sample"));
        b.await("live", Duration.ofSeconds(20), () -> "live".equals(b.state()));
        b.await("closed at the end of the sample", Duration.ofSeconds(30), () -> "closed".equals(b.state()));
        assertThat(b.bodyNumber("data-resumptions"))
                .as("resumptions during the 6.2 s sample")
                .isGreaterThanOrEqualTo(1);
        assertLanguages(b);
        double heard = 0;
        for (WebElement line : b.lines("source")) {
            Matcher m = SECONDS.matcher(line.getText());
            assertThat(m.find()).as("emulated transcript: " + line.getText()).isTrue();
            heard += Double.parseDouble(m.group(1));
        }
        assertThat(heard)
                .as("seconds of the sample the emulator heard (none lost, none twice)")
                .isBetween(5.9, 6.5);
        double played = b.bodyNumber("data-played-bytes") / 2.0 / 24_000;
        // silence in, nothing out: the emulator translates only the sample's 100 ms chunks that hold sound
        double spoken = spokenSeconds(Path.of("samples/hello-en.wav"));
        assertThat(played)
                .as("seconds of translated audio scheduled for playback (%.1f s of the sample is sound)", spoken)
                .isBetween(spoken - 0.2, spoken + 0.2);
        assertNoSecretsAnywhere(b);
        assertFrames(b);
    }

    static void assertLanguages(DemoBrowser b) {
        List<WebElement> source = b.lines("source");
        List<WebElement> translation = b.lines("translation");
        assertThat(source).isNotEmpty();
        assertThat(translation).isNotEmpty();
        // the emulator "hears" the language it is told (livetoken.emulator.live.source-language, en):
        // the sample is English
        assertThat(source)
                .allSatisfy(e -> assertThat(e.getDomAttribute("data-lang")).isEqualTo("en"));
        assertThat(translation).allSatisfy(e -> {
            assertThat(e.getDomAttribute("data-lang")).isEqualTo("es");
            assertThat(e.getText()).contains("translated to es");
        });
    }

    /** No token or JWT in the console, the address, page storage, cookies or the page itself; no console error. */
    static void assertNoSecretsAnywhere(DemoBrowser b) {
        List<LogEntry> console = b.console();
        assertThat(console).as("console errors").noneMatch(e -> e.getLevel().intValue() >= Level.SEVERE.intValue());
        assertThat(console)
                .as("console lines with a token or JWT")
                .noneMatch(e ->
                        e.getMessage().contains(TOKEN_PREFIX) || e.getMessage().contains(JWT_PREFIX));
        assertThat(b.driver.getCurrentUrl())
                .doesNotContain(TOKEN_PREFIX)
                .doesNotContain("access_token")
                .doesNotContain(JWT_PREFIX);
        assertThat(((Number) b.js("return localStorage.length + sessionStorage.length;")).intValue())
                .as("page storage entries")
                .isZero();
        assertThat((String) b.js("return document.cookie;")).isEmpty();
        assertThat(b.driver.getPageSource()).doesNotContain(TOKEN_PREFIX).doesNotContain(JWT_PREFIX);
    }

    /**
     * The page handles whichever frames the emulator sends: binary (as Google does) by default,
     * text with {@code livetoken.emulator.live.text-frames=true}. An emulator without that switch
     * sends text frames.
     */
    static void assertFrames(DemoBrowser b) {
        long text = b.bodyNumber("data-frames-text");
        long binary = b.bodyNumber("data-frames-binary");
        Optional<Boolean> textFrames =
                ConfigProvider.getConfig().getOptionalValue("livetoken.emulator.live.text-frames", Boolean.class);
        if (textFrames.isEmpty()) {
            assertThat(text + binary).as("frames received").isPositive();
        } else if (textFrames.get()) {
            assertThat(text).as("text frames").isPositive();
            assertThat(binary).as("binary frames").isZero();
        } else {
            assertThat(binary).as("binary frames").isPositive();
            assertThat(text).as("text frames").isZero();
        }
    }

    /** Seconds of a 16 kHz PCM16 WAV that the emulator translates: its 100 ms chunks that are not silence. */
    static double spokenSeconds(Path wav) {
        try {
            byte[] all = java.nio.file.Files.readAllBytes(wav);
            int chunk = 3200;
            int spoken = 0;
            for (int at = 44; at < all.length; at += chunk) {
                byte[] c = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + chunk));
                if (!EmulatedTranslation.isSilence(c)) {
                    spoken++;
                }
            }
            return spoken * 0.1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
