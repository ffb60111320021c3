package dev.livetoken.upstream;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * How a failed call to Google becomes a problem answer, the same for every upstream call (the
 * {@code auth_tokens} mint and the text stream): 429 and 503 keep the upstream's {@code Retry-After},
 * other 5xx are {@code 502 upstream-error}, other 4xx {@code 502 upstream-rejected} (our key or our
 * request: the caller cannot fix it), no answer in time {@code 504}, unreachable {@code 503}. Only
 * the kind, status and host are logged: never the upstream's body or an exception's text.
 */
public final class UpstreamFailures {

    /** Failure kinds, as logged and counted ({@code livetoken_upstream_errors_total{kind}}). */
    public enum Kind {
        TIMEOUT,
        CONNECT,
        THROTTLED,
        UNAVAILABLE,
        SERVER_ERROR,
        REJECTED,
        BAD_RESPONSE
    }

    private final Logger log;
    private final String call;
    private final String upstream;
    private final String host;
    private final Duration defaultRetryAfter;

    /**
     * @param call what is logged, e.g. {@code auth_tokens}
     * @param upstream how answers name the upstream, e.g. {@code token service upstream}
     */
    public UpstreamFailures(Logger log, String call, String upstream, String host, Duration defaultRetryAfter) {
        this.log = log;
        this.call = call;
        this.upstream = upstream;
        this.host = host;
        this.defaultRetryAfter = defaultRetryAfter;
    }

    /** A non-success HTTP status (or an in-stream error code) with the upstream's Retry-After, if any. */
    public ProblemException ofStatus(int status, String retryAfterHeader) {
        if (status == 429) {
            return of(
                    Kind.THROTTLED,
                    status,
                    ProblemType.UPSTREAM_THROTTLED,
                    "The " + upstream + " is throttling us; try again shortly.",
                    retryAfter(retryAfterHeader));
        }
        if (status == 503) {
            return of(
                    Kind.UNAVAILABLE,
                    status,
                    ProblemType.UPSTREAM_UNAVAILABLE,
                    "The " + upstream + " is unavailable; try again shortly.",
                    retryAfter(retryAfterHeader));
        }
        if (status >= 500) {
            return of(
                    Kind.SERVER_ERROR,
                    status,
                    ProblemType.UPSTREAM_ERROR,
                    "The " + upstream + " failed.",
                    defaultRetryAfter);
        }
        // 4xx other than 429: our key or our request was refused. The caller cannot fix that, and
        // the detail is for operators (see the log line, which has the status but no upstream text).
        return of(
                Kind.REJECTED,
                status,
                ProblemType.UPSTREAM_REJECTED,
                "The " + upstream + " refused our request; operators have been told.",
                null);
    }

    /** A call that failed without an answer: timed out, unreachable, or cut off. */
    public ProblemException ofThrowable(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof TimeoutException || root.getClass().getName().contains("Timeout")) {
            return timeout();
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException) {
            return of(
                    Kind.CONNECT,
                    0,
                    ProblemType.UPSTREAM_UNAVAILABLE,
                    "The " + upstream + " cannot be reached; try again shortly.",
                    defaultRetryAfter);
        }
        return of(
                Kind.BAD_RESPONSE,
                0,
                ProblemType.UPSTREAM_BAD_RESPONSE,
                "The connection to the " + upstream + " failed.",
                defaultRetryAfter);
    }

    /** No (whole) answer within the call's deadline. */
    public ProblemException timeout() {
        return of(
                Kind.TIMEOUT,
                0,
                ProblemType.UPSTREAM_TIMEOUT,
                "The " + upstream + " did not answer in time.",
                defaultRetryAfter);
    }

    /** An answer we could not read (a 200 without a usable body, a broken stream). */
    public ProblemException badResponse(int status, String detail, Duration retryAfter) {
        return of(Kind.BAD_RESPONSE, status, ProblemType.UPSTREAM_BAD_RESPONSE, detail, retryAfter);
    }

    /** The Retry-After given when the upstream gave none. */
    public Duration defaultRetryAfter() {
        return defaultRetryAfter;
    }

    private ProblemException of(Kind kind, int status, ProblemType type, String detail, Duration retryAfter) {
        log.warnf("Upstream %s call failed: kind=%s status=%d host=%s", call, kind, status, host);
        ProblemException.Builder b = ProblemException.builder(type, detail).upstreamFailure(kind.name());
        if (retryAfter != null) {
            b.retryAfter(retryAfter);
        }
        return b.build();
    }

    private Duration retryAfter(String header) {
        if (header != null) {
            try {
                long s = Long.parseLong(header.trim());
                if (s > 0 && s <= 3600) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException ignored) {
                // an HTTP-date or garbage: use our default
            }
        }
        return defaultRetryAfter;
    }
}
