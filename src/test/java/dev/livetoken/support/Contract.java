package dev.livetoken.support;

import java.nio.file.Path;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;

/**
 * REST Assured filters that validate traffic against the top-level {@code openapi.yaml}, so the
 * code cannot drift from the contract.
 */
public final class Contract {

    private static final String SPEC =
            Path.of("openapi.yaml").toAbsolutePath().toUri().toString();

    /** Validates the request and the response. */
    public static final OpenApiValidationFilter VALIDATED = new OpenApiValidationFilter(
            OpenApiInteractionValidator.createForSpecificationUrl(SPEC).build());

    /**
     * Validates only the response: for tests that send deliberately bad requests (no JWT, wrong
     * media type, unknown fields) and check that the error answer still follows the contract.
     */
    public static final OpenApiValidationFilter RESPONSE_ONLY =
            new OpenApiValidationFilter(OpenApiInteractionValidator.createForSpecificationUrl(SPEC)
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.request", ValidationReport.Level.IGNORE)
                            .build())
                    .build());

    private Contract() {}
}
