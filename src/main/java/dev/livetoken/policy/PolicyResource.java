package dev.livetoken.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.security.Authenticated;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.limits.LimitView;
import dev.livetoken.limits.UsageLimiter;

/** {@code GET /v1/policy}: the caller's effective policy and what is left of its limits. Nothing secret. */
@Path("/v1/policy")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    /** The caller's view. {@code policy} omits who last changed it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallerPolicy(
            String tenantId,
            String subject,
            String policySource,
            boolean blocked,
            PolicyDocument policy,
            List<LimitView> limits) {}

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final PolicyService policies;
    private final UsageLimiter limiter;

    PolicyResource(JsonWebToken jwt, CallerResolver callers, PolicyService policies, UsageLimiter limiter) {
        this.jwt = jwt;
        this.callers = callers;
        this.policies = policies;
        this.limiter = limiter;
    }

    @GET
    public CallerPolicy get() {
        Caller c = callers.resolve(jwt);
        EffectivePolicy e = policies.effective(c.tenant()).await().atMost(Duration.ofSeconds(10));
        Instant now = Instant.now();
        List<LimitView> limits =
                new java.util.ArrayList<>(LimitView.of(limiter.usage(c.tenant(), c.subject(), e.policy(), now)));
        // and the characters of text translations (POST /v1/translations)
        limits.addAll(LimitView.of(limiter.characterUsage(c.tenant(), c.subject(), e.policy(), now)));
        return new CallerPolicy(
                c.tenant(),
                c.subject(),
                e.source(),
                e.blocks(c.subject()),
                PolicyDocument.of(e.policy(), null, null),
                limits);
    }
}
