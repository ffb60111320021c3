package dev.livetoken.mint;

import java.io.IOException;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestHeader;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.auth.CallerResolver;
import dev.livetoken.ops.AccessLog;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;

/**
 * {@code POST /v1/tokens}. Runs on the event loop end to end: JWT check, policy, planning and the
 * upstream call are all non-blocking.
 */
@Path("/v1/tokens")
@Authenticated
public class TokenResource {

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final MintService mint;
    private final ObjectMapper json;
    private final AccessLog accessLog;

    TokenResource(JsonWebToken jwt, CallerResolver callers, MintService mint, ObjectMapper json, AccessLog accessLog) {
        this.jwt = jwt;
        this.callers = callers;
        this.mint = mint;
        this.json = json;
        this.accessLog = accessLog;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> mint(@RestHeader("Content-Type") String contentType, byte[] body, RoutingContext routing)
            throws IOException {
        var caller = callers.resolve(jwt);
        // ops: the access line and mint metrics (by tenant and lock mode) are written from this entry
        var access = accessLog.caller(caller);
        MintRequest request = parse(contentType, body);
        return mint.mint(caller, request, RequestIds.of(routing))
                .invoke(answer -> access.locked(answer.locked()))
                .map(answer -> Response.status(Response.Status.CREATED)
                        .header("Cache-Control", "no-store")
                        .header("Pragma", "no-cache")
                        .entity(answer)
                        .build());
    }

    /** The body is optional, so an empty one (any or no content type) means "all defaults". */
    private MintRequest parse(String contentType, byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            return MintRequest.EMPTY;
        }
        if (contentType == null || !MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        }
        MintRequest r = json.readValue(body, MintRequest.class);
        if (r == null) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        return r;
    }
}
