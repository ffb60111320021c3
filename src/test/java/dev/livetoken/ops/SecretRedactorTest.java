package dev.livetoken.ops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTest {

    final SecretRedactor r = new SecretRedactor("my-odd-key-format!");

    @Test
    void redactsEveryCredentialShape() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        assertThat(r.redact("token " + jwt + " rejected")).doesNotContain(jwt).contains("[redacted]");
        assertThat(r.redact("name auth_tokens/abc-DEF_123=")).isEqualTo("name auth_tokens/[redacted]");
        // built at run time so no string shaped like a real Google key sits in the repository
        String googleShapedKey = "AI" + "za" + "Sy" + "A1234567890abcdefghijklmnopqrstu";
        assertThat(r.redact("k=" + googleShapedKey)).doesNotContain("A1234567890abcdef");
        assertThat(r.redact("Authorization: Bearer abcdefghijklmnopqrstuvwxyz"))
                .isEqualTo("Authorization: Bearer [redacted]");
        assertThat(r.redact("GET /ws?access_token=xyz123&x=1")).isEqualTo("GET /ws?access_token=[redacted]&x=1");
        assertThat(r.redact("POST /v1alpha/auth_tokens?key=secret HTTP/1.1")).doesNotContain("secret");
        assertThat(r.redact("configured my-odd-key-format! leaked")).isEqualTo("configured [redacted-api-key] leaked");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String line = "Upstream auth_tokens call failed: kind=TIMEOUT status=0 host=localhost";
        assertThat(r.redact(line)).isEqualTo(line);
        assertThat(r.redact("POST /v1/tokens HTTP/1.1 201")).isEqualTo("POST /v1/tokens HTTP/1.1 201");
    }
}
