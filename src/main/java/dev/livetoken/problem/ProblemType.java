package dev.livetoken.problem;

import java.net.URI;

/**
 * Every error the service can answer with. The slug makes the stable {@code type} URI of the
 * RFC 9457 answer; clients may switch on it, so never rename one. Kept alphabetical.
 */
public enum ProblemType {
    AUDIT_UNAVAILABLE("audit-unavailable", 503, "Audit trail unavailable"),
    AUTHENTICATION_REQUIRED("authentication-required", 401, "Authentication required"),
    BLOCKED("blocked", 403, "Minting blocked by an operator"),
    BODY_TOO_LARGE("body-too-large", 413, "Request body too large"),
    CONFLICT("conflict", 409, "Conflict"),
    FORBIDDEN("forbidden", 403, "Forbidden"),
    HEADERS_TOO_LARGE("headers-too-large", 431, "Request headers too large"),
    INTERNAL_ERROR("internal-error", 500, "Internal error"),
    INVALID_REQUEST("invalid-request", 400, "Invalid request"),
    LANGUAGE_NOT_ALLOWED("language-not-allowed", 403, "Language not allowed by policy"),
    LIVE_TOKEN_CAP("live-token-cap", 429, "Too many live tokens"),
    MALFORMED_JSON("malformed-json", 400, "Malformed JSON"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", 406, "Not acceptable"),
    NOT_FOUND("not-found", 404, "Not found"),
    ORIGIN_NOT_ALLOWED("origin-not-allowed", 403, "Origin not allowed"),
    PLATFORM_CEILING("platform-ceiling", 403, "Beyond the platform's ceilings"),
    PLATFORM_RESERVED("platform-reserved", 403, "Reserved to platform admins"),
    POLICY_FORBIDS("policy-forbids", 403, "Not allowed by policy"),
    PRECONDITION_FAILED("precondition-failed", 412, "Precondition failed"),
    PRECONDITION_REQUIRED("precondition-required", 428, "Precondition required"),
    QUOTA_EXCEEDED("quota-exceeded", 429, "Daily quota exceeded"),
    RATE_LIMITED("rate-limited", 429, "Rate limit exceeded"),
    SESSION_BUDGET_EXCEEDED("session-budget-exceeded", 429, "Session-minutes budget exceeded"),
    STORE_UNAVAILABLE("store-unavailable", 503, "Store unavailable"),
    TENANT_CLAIM_MISSING("tenant-claim-missing", 403, "Tenant claim missing"),
    UNKNOWN_TENANT("unknown-tenant", 403, "Unknown tenant"),
    UNKNOWN_LANGUAGE("unknown-language", 400, "Unknown language code"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
    UPSTREAM_BAD_RESPONSE("upstream-bad-response", 502, "Upstream answered badly"),
    UPSTREAM_ERROR("upstream-error", 502, "Upstream failed"),
    UPSTREAM_REJECTED("upstream-rejected", 502, "Upstream refused the request"),
    UPSTREAM_THROTTLED("upstream-throttled", 503, "Upstream is throttling"),
    UPSTREAM_TIMEOUT("upstream-timeout", 504, "Upstream timed out"),
    UPSTREAM_UNAVAILABLE("upstream-unavailable", 503, "Upstream unavailable"),
    URI_TOO_LONG("uri-too-long", 414, "Request URI too long");

    /** Base of every problem type URI; documented in README and openapi.yaml. */
    public static final String BASE_URI = "https://livetoken.dev/problems/";

    private final String slug;
    private final int status;
    private final String title;
    private final URI uri;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.uri = URI.create(BASE_URI + slug);
    }

    public String slug() {
        return slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return uri;
    }
}
