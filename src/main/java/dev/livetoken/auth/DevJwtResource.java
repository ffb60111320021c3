package dev.livetoken.auth;

import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.jwt.build.Jwt;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * Dev and test only: hands out JWTs signed by the dev key so a new user can call the API at once.
 * The class is not even built into the production application.
 */
@IfBuildProfile(anyOf = {"dev", "test"})
@Path("/dev/v1/jwt")
public class DevJwtResource {

    /** What the dev JWT should say about its holder. */
    public record DevJwtRequest(String subject, String tenant, Set<String> groups) {}

    /** A signed JWT and how long it lives. */
    public record DevJwt(String jwt, String tokenType, long expiresInSeconds) {}

    private final AuthConfig config;
    private final String issuer;
    private final Set<String> audiences;

    DevJwtResource(
            AuthConfig config,
            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Set<String> audiences) {
        this.config = config;
        this.issuer = issuer;
        this.audiences = audiences;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public DevJwt sign(DevJwtRequest request) {
        if (request == null || request.subject() == null || request.subject().isBlank()) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'subject' is required.")
                    .field("subject")
                    .build();
        }
        if (request.tenant() == null
                || !CallerResolver.TENANT_ID.matcher(request.tenant()).matches()) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "'tenant' is required: letters, digits, '.', '_' or '-', at most 64.")
                    .field("tenant")
                    .build();
        }
        long ttl = config.devJwtLifetime().toSeconds();
        String jwt = Jwt.issuer(issuer)
                .audience(audiences)
                .subject(request.subject())
                .claim(config.tenantClaim(), request.tenant())
                .groups(request.groups() == null ? Set.of() : request.groups())
                .expiresIn(ttl)
                .sign();
        return new DevJwt(jwt, "Bearer", ttl);
    }
}
