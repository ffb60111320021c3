package dev.livetoken.admin;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/** Strong ETags of policy versions and the If-Match rules of the admin API. */
final class ETags {

    private ETags() {}

    static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an update may overwrite: 428 without If-Match, 412 when it names another version.
     */
    static long require(String ifMatch, long current) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw ProblemException.of(
                    ProblemType.PRECONDITION_REQUIRED,
                    "Send If-Match with the ETag you read, so concurrent changes are not lost.");
        }
        if (ifMatch.trim().equals("*")) {
            return current;
        }
        for (String tag : ifMatch.split(",")) {
            if (tag.trim().replaceFirst("^W/", "").equals(of(current))) {
                return current;
            }
        }
        throw stale(current);
    }

    static ProblemException stale(long current) {
        return ProblemException.builder(
                        ProblemType.PRECONDITION_FAILED,
                        current < 0
                                ? "The policy no longer exists."
                                : "The policy changed since you read it; its ETag is now " + of(current)
                                        + ". Read it again and reapply your change.")
                .build();
    }
}
