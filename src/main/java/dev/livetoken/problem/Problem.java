package dev.livetoken.problem;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document. The extension members say which field was wrong and what would
 * have been accepted, so a client developer can fix the call without reading our logs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        URI type,
        String title,
        int status,
        String detail,
        String instance,
        String requestId,
        String field,
        List<String> suggestions,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
