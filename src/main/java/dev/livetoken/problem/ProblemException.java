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
    private final List<FieldError> errors;
    private final String limitScope;

    private ProblemException(Builder b) {
        // No stack trace: these are expected outcomes on hot paths, not bugs.
        super(b.detail, null, false, false);
        this.type = b.type;
        this.field = b.field;
        this.suggestions = b.suggestions;
        this.retryAfter = b.retryAfter;
        this.headers = Map.copyOf(b.headers);
        this.upstreamFailure = b.upstreamFailure;
        this.errors = b.errors;
        this.limitScope = b.limitScope;
    }

    /** Which usage limit refused the request (e.g. {@code user-rate}), for metrics; else null. */
    public String limitScope() {
        return limitScope;
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

    /** Every invalid field, when a whole document was checked. */
    public List<FieldError> errors() {
        return errors;
    }

    /** The upstream failure kind behind this problem, for metrics; null if not an upstream failure. */
    public String upstreamFailure() {
        return upstreamFailure;
    }

    /** Carries a JSON error out of code that parses by hand, to be mapped like any body error. */
    public static final class Wrapped extends RuntimeException {
        public Wrapped(com.fasterxml.jackson.core.JsonProcessingException cause) {
            super(null, cause, false, false);
        }
    }

    /** Collects the optional parts of a problem. */
    public static final class Builder {
        private final ProblemType type;
        private final String detail;
        private String field;
        private List<String> suggestions;
        private Duration retryAfter;
        private String upstreamFailure;
        private List<FieldError> errors;
        private String limitScope;
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

        public Builder errors(List<FieldError> errors) {
            this.errors = List.copyOf(errors);
            if (field == null && errors.size() == 1) {
                field = errors.get(0).field();
            }
            return this;
        }

        public Builder limitScope(String scope) {
            this.limitScope = scope;
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
