package dev.livetoken.mint;

import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

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

import dev.livetoken.audit.ConversationLink;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.ops.AccessLog;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;

/**
 * {@code POST /v1/conversations}: tokens for two people talking through one device
 * (docs/conversations.md). Pair mode mints two Live Translate tokens, interpreter mode one Live
 * dialogue-model token; both all or nothing, under the same limits and audit as {@code /v1/tokens}.
 */
@Path("/v1/conversations")
@Authenticated
public class ConversationResource {

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final MintService mint;
    private final ConversationPlanner planner;
    private final ObjectMapper json;
    private final AccessLog accessLog;
    private final Clock clock = Clock.systemUTC();

    ConversationResource(
            JsonWebToken jwt,
            CallerResolver callers,
            MintService mint,
            ConversationPlanner planner,
            ObjectMapper json,
            AccessLog accessLog) {
        this.jwt = jwt;
        this.callers = callers;
        this.mint = mint;
        this.planner = planner;
        this.json = json;
        this.accessLog = accessLog;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@RestHeader("Content-Type") String contentType, byte[] body, RoutingContext routing)
            throws IOException {
        var caller = callers.resolve(jwt);
        var access = accessLog.caller(caller);
        ConversationRequest request = parse(contentType, body);
        ConversationPlanner.Shape shape = planner.shape(request);
        String conversationId = "conv_" + UUID.randomUUID().toString().replace("-", "");
        return mint.mintTogether(
                        caller,
                        effective -> planner.plan(caller, effective, request, shape, clock.instant()),
                        new ConversationLink(
                                conversationId,
                                shape.pair().stream().map(l -> l.code()).toList()),
                        RequestIds.of(routing))
                .invoke(tokens -> access.locked(true))
                .map(tokens -> Response.status(Response.Status.CREATED)
                        .header("Cache-Control", "no-store")
                        .header("Pragma", "no-cache")
                        .entity(new ConversationResponse(conversationId, shape.mode(), tokens))
                        .build());
    }

    private ConversationRequest parse(String contentType, byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "Send {\"languages\": [\"en\", \"ja\"]} (and optionally \"mode\").")
                    .field("languages")
                    .build();
        }
        if (contentType == null || !MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        }
        return json.readValue(body, ConversationRequest.class);
    }
}
