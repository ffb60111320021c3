package dev.livetoken.problem;

/** One invalid field of a request, as listed in a problem's {@code errors}. */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
