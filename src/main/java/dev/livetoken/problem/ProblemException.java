package dev.livetoken.problem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Thrown anywhere a request must end in a problem answer. It carries only what is safe to show
 * the caller: never a secret, never an upstream's own error text.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final String field;
    private final List<String> suggestions;
    private final Duration retryAfter;
    private final Map<String, String> headers;
    private final String upstreamFailure;

    private ProblemException(Builder b) {
        // No stack trace: these are expected outcomes on hot paths, not bugs.
        super(b.detail, b.cause, false, false);
        this.type = b.type;
        this.field = b.field;
        this.suggestions = b.suggestions;
        this.retryAfter = b.retryAfter;
        this.headers = Map.copyOf(b.headers);
        this.upstreamFailure = b.upstreamFailure;
    }

    public static ProblemException of(ProblemType type, String detail) {
        return builder(type, detail).build();
    }

    public static Builder builder(ProblemType type, String detail) {
        return new Builder(type, detail);
    }

    public ProblemType type() {
        return type;
    }

    public String field() {
        return field;
    }

    public List<String> suggestions() {
        return suggestions;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The upstream failure kind behind this problem, for metrics; null if not an upstream failure. */
    public String upstreamFailure() {
        return upstreamFailure;
    }

    /** Collects the optional parts of a problem. */
    public static final class Builder {
        private final ProblemType type;
        private final String detail;
        private String field;
        private List<String> suggestions;
        private Duration retryAfter;
        private Throwable cause;
        private String upstreamFailure;
        private final java.util.LinkedHashMap<String, String> headers = new java.util.LinkedHashMap<>();

        private Builder(ProblemType type, String detail) {
            this.type = type;
            this.detail = detail;
        }

        public Builder field(String field) {
            this.field = field;
            return this;
        }

        public Builder suggestions(List<String> suggestions) {
            this.suggestions = List.copyOf(suggestions);
            return this;
        }

        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Kept for our own diagnostics only; never rendered. */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        public Builder upstreamFailure(String kind) {
            this.upstreamFailure = kind;
            return this;
        }

        public ProblemException build() {
            return new ProblemException(this);
        }
    }
}
