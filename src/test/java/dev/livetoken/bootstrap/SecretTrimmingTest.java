package dev.livetoken.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets written to files with a trailing newline reach the service without it. */
class SecretTrimmingTest {

    static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptors(new SecretTrimming())
                .withSources(new PropertiesConfigSource(values, "test", 100))
                .build();
    }

    @Test
    void keysLoseTheirTrailingNewlineAndWhitespace() {
        SmallRyeConfig c = config(Map.of(
                "livetoken.upstream.api-key",
                "AIza-key\n",
                "livetoken.audit.hmac-key",
                "0123456789abcdef0123456789abcdef\r\n \t"));
        assertThat(c.getValue("livetoken.upstream.api-key", String.class)).isEqualTo("AIza-key");
        assertThat(c.getValue("livetoken.audit.hmac-key", String.class)).isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @Test
    void keysReachedThroughAnExpressionAreTrimmedToo() {
        // application.properties sets livetoken.upstream.api-key=${GEMINI_API_KEY:}
        SmallRyeConfig c =
                config(Map.of("livetoken.upstream.api-key", "${GEMINI_API_KEY:}", "GEMINI_API_KEY", "AIza-key\n\n"));
        assertThat(c.getValue("livetoken.upstream.api-key", String.class)).isEqualTo("AIza-key");
    }

    @Test
    void aPasswordLosesOnlyTrailingLineBreaks() {
        SmallRyeConfig c = config(Map.of("quarkus.datasource.password", "ends in a space \n"));
        assertThat(c.getValue("quarkus.datasource.password", String.class)).isEqualTo("ends in a space ");
    }

    @Test
    void otherValuesAndInnerWhitespaceAreLeftAlone() {
        SmallRyeConfig c = config(Map.of("livetoken.upstream.api-key", "a b", "mp.jwt.verify.issuer", "https://i/ \n"));
        assertThat(c.getValue("livetoken.upstream.api-key", String.class)).isEqualTo("a b");
        assertThat(c.getRawValue("mp.jwt.verify.issuer")).isEqualTo("https://i/ \n");
    }

    @Test
    void theServiceRegistersTheInterceptor() throws IOException {
        try (InputStream in = getClass()
                .getClassLoader()
                .getResourceAsStream("META-INF/services/io.smallrye.config.ConfigSourceInterceptor")) {
            assertThat(in).as("service registration").isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(SecretTrimming.class.getName());
        }
    }
}
