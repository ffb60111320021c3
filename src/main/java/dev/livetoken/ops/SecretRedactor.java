package dev.livetoken.ops;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blanks out anything that looks like a credential this service handles: JWTs, ephemeral tokens,
 * Google API keys, bearer values and key-bearing query parameters, plus the configured API key
 * whatever its shape. Libraries we do not control (the JWT stack at DEBUG, for one) print whole
 * tokens in exception messages; this is the last line of defence before a log line is written.
 */
public final class SecretRedactor {

    private static final Pattern SECRETS = Pattern.compile(String.join(
            "|",
            // a JWS/JWE compact serialisation: base64url JSON header starting {"
            "eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}(?:\\.[A-Za-z0-9_-]*){1,3}",
            // a Gemini ephemeral token: the whole name is the credential
            "(?<tok>auth_tokens/)[A-Za-z0-9._~+/=-]+",
            // a Google API key
            "AIza[0-9A-Za-z_-]{20,}",
            // Authorization header values
            "(?i)(?<scheme>\\b(?:bearer|token)\\s+)[A-Za-z0-9._~+/=-]{12,}",
            // credentials in query strings
            "(?i)(?<param>[?&](?:access_token|key|api_key|token)=)[^&\\s\"']+"));

    private final String configuredKey;

    /** @param configuredKey the API key in use, redacted verbatim wherever it appears; may be null */
    public SecretRedactor(String configuredKey) {
        this.configuredKey = configuredKey == null || configuredKey.length() < 6 ? null : configuredKey;
    }

    public String redact(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = s;
        if (configuredKey != null && out.contains(configuredKey)) {
            out = out.replace(configuredKey, "[redacted-api-key]");
        }
        Matcher m = SECRETS.matcher(out);
        if (!m.find()) {
            return out;
        }
        StringBuilder b = new StringBuilder(out.length());
        do {
            String replacement;
            if (m.group("tok") != null) {
                replacement = "auth_tokens/[redacted]";
            } else if (m.group("scheme") != null) {
                replacement = m.group("scheme") + "[redacted]";
            } else if (m.group("param") != null) {
                replacement = m.group("param") + "[redacted]";
            } else {
                replacement = "[redacted]";
            }
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        } while (m.find());
        m.appendTail(b);
        return b.toString();
    }

    /** Whether redact would change s. */
    public boolean needsRedaction(String s) {
        return s != null && !s.equals(redact(s));
    }
}
