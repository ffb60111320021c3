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
    private final List<FieldError> errors;

    private ProblemException(Builder b) {
        // No stack trace: these are expected outcomes on hot paths, not bugs.
        super(b.detail, null, false, false);
        this.type = b.type;
        this.field = b.field;
        this.suggestions = b.suggestions;
        this.retryAfter = b.retryAfter;
        this.headers = Map.copyOf(b.headers);
        this.errors = b.errors;
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

    /** Collects the optional parts of a problem. */
    public static final class Builder {
        private final ProblemType type;
        private final String detail;
        private String field;
        private List<String> suggestions;
        private Duration retryAfter;
        private List<FieldError> errors;
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

        public ProblemException build() {
            return new ProblemException(this);
        }
    }
}
