package dev.livetoken.audit;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenHasherTest {

    static final String KEY = "a-test-audit-key-of-more-than-32-characters";

    @Test
    void refusesToRunWithoutAStrongEnoughKey() {
        assertThatThrownBy(() -> new TokenHasher(Optional::empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LIVETOKEN_AUDIT_HMAC_KEY");
        assertThatThrownBy(() -> new TokenHasher(() -> Optional.of("short"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hashIsKeyedStableAndHidesTheToken() {
        TokenHasher a = new TokenHasher(() -> Optional.of(KEY));
        TokenHasher b = new TokenHasher(() -> Optional.of(KEY + "-other"));
        String token = "auth_tokens/abcdef123456";
        assertThat(a.hash(token)).isEqualTo(a.hash(token)).hasSize(64).doesNotContain("abcdef123456");
        assertThat(b.hash(token)).isNotEqualTo(a.hash(token));
        assertThat(a.hash(token + "x")).isNotEqualTo(a.hash(token));
    }
}
