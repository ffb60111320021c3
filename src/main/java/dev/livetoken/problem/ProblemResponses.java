package dev.livetoken.problem;

import jakarta.ws.rs.core.Response;

/** Turns a {@link ProblemException} into the one response shape every error uses. */
public final class ProblemResponses {

    /** RoutingContext key holding the slug of the problem answered, for the access line and metrics. */
    public static final String PROBLEM_TYPE_KEY = "livetoken.problemType";

    private ProblemResponses() {}

    public static Problem body(ProblemException e, String instance, String requestId) {
        ProblemType t = e.type();
        return new Problem(
                t.uri(),
                t.title(),
                t.status(),
                e.getMessage(),
                instance,
                requestId,
                e.field(),
                e.suggestions(),
                e.errors());
    }

    public static Response response(ProblemException e, String instance, String requestId) {
        Response.ResponseBuilder rb = Response.status(e.type().status())
                .type(Problem.MEDIA_TYPE)
                .header("Cache-Control", "no-store")
                .entity(body(e, instance, requestId));
        if (e.retryAfter() != null) {
            rb.header("Retry-After", Math.max(1, e.retryAfter().toSeconds()));
        }
        e.headers().forEach(rb::header);
        if (e.type() == ProblemType.AUTHENTICATION_REQUIRED) {
            rb.header("WWW-Authenticate", "Bearer");
        }
        return rb.build();
    }
}
