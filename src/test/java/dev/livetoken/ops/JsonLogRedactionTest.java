package dev.livetoken.ops;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.logging.json.runtime.JsonFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true} the console handler formats with Quarkus' JSON
 * formatter; the redacting filter on that handler runs before it, so the JSON line is clean and
 * still carries the request id from the MDC.
 */
class JsonLogRedactionTest {

    static final String KEY = "json-test-gemini-key-51c0";
    static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ";
    static final String TOKEN = "auth_tokens/abcDEF123ghiJKL456";

    @Test
    void jsonLineIsRedactedAndCarriesTheRequestId() {
        ExtLogRecord r = new ExtLogRecord(
                Level.WARNING, "call with key %s and jwt %s gave %s", ExtLogRecord.FormatStyle.PRINTF, "test");
        r.setParameters(new Object[] {KEY, JWT, TOKEN});
        r.setLoggerName("dev.livetoken.test");
        r.setThrown(new IllegalStateException("upstream echoed " + TOKEN));
        r.putMdc(OpsHttpFilters.MDC_REQUEST_ID, "req-json-0001");

        RedactingLogFilter filter = new RedactingLogFilter(new SecretRedactor(KEY), null);
        assertThat(filter.isLoggable(r)).isTrue();
        String line = new JsonFormatter().format(r);

        assertThat(line)
                .startsWith("{")
                .contains("\"requestId\":\"req-json-0001\"")
                .contains("[redacted");
        assertThat(line).doesNotContain(KEY).doesNotContain(JWT).doesNotContain("abcDEF123ghiJKL456");
    }
}
