package dev.livetoken.mint;

import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestHeader;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.ops.AccessLog;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;
import dev.livetoken.store.Store;

/**
 * {@code POST /v1/tokens/renew}: a fresh token with the same constraints as one this service minted
 * for the caller (or, for a {@code token-broker}, for a user of its tenant), through the whole mint
 * flow. The old token travels in the body only; it is looked up by its keyed hash and never logged.
 * A token of a conversation ({@code POST /v1/conversations}) is minted again as the same
 * conversation token (docs/sessions.md, "Same constraints").
 */
@Path("/v1/tokens/renew")
@Authenticated
public class RenewResource {

    /** The token to renew. */
    public record RenewRequest(String token) {
        @Override
        public String toString() {
            return "RenewRequest[redacted]";
        }
    }

    /** A mint answer plus the audit id of the token it renewed. */
    public record RenewResponse(@JsonUnwrapped MintResponse minted, long renewedFrom) {
        @Override
        public String toString() {
            return "RenewResponse[renewedFrom=" + renewedFrom + "]";
        }
    }

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final MintService mint;
    private final AuditLog audit;
    private final TokenHasher hasher;
    private final Store store;
    private final ObjectMapper json;
    private final AccessLog accessLog;
    private final ConversationPlanner conversations;
    private final Clock clock = Clock.systemUTC();

    RenewResource(
            JsonWebToken jwt,
            CallerResolver callers,
            MintService mint,
            AuditLog audit,
            TokenHasher hasher,
            Store store,
            ObjectMapper json,
            AccessLog accessLog,
            ConversationPlanner conversations) {
        this.conversations = conversations;
        this.jwt = jwt;
        this.callers = callers;
        this.mint = mint;
        this.audit = audit;
        this.hasher = hasher;
        this.store = store;
        this.json = json;
        this.accessLog = accessLog;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> renew(@RestHeader("Content-Type") String contentType, byte[] body, RoutingContext routing)
            throws IOException {
        Caller caller = callers.resolve(jwt);
        var access = accessLog.caller(caller);
        String hash = hasher.hash(token(contentType, body));
        Context ctx = Vertx.currentContext();
        return blocking(ctx, () -> find(caller, hash))
                .ifNoItem()
                .after(store.config().mintBudget())
                .failWith(() -> ProblemException.builder(
                                ProblemType.STORE_UNAVAILABLE,
                                "The token store did not answer in time; try again shortly.")
                        .retryAfter(java.time.Duration.ofSeconds(5))
                        .build())
                .chain(renewal -> mint(caller, renewal, RequestIds.of(routing))
                        .invoke(answer -> access.locked(answer.locked()))
                        .map(answer -> Response.status(Response.Status.CREATED)
                                .header("Cache-Control", "no-store")
                                .header("Pragma", "no-cache")
                                .entity(new RenewResponse(
                                        answer, renewal.parent().id()))
                                .build()));
    }

    /** A token minted alone is minted again alone; a conversation's token by the conversation's rules. */
    private Uni<MintResponse> mint(Caller caller, Renewal renewal, String requestId) {
        if (!renewal.inConversation()) {
            return mint.renew(caller, renewal, requestId);
        }
        ConversationRequest request = renewal.conversationRequest(caller);
        ConversationPlanner.Shape shape = conversations.shape(request);
        return mint.renewInConversation(
                caller,
                renewal,
                effective -> renewal.pick(conversations.plan(caller, effective, request, shape, clock.instant())),
                requestId);
    }

    private Renewal find(Caller caller, String hash) {
        AuditRecord parent = audit.byTokenHash(hash).stream()
                .filter(r -> Renewal.mayRenew(caller, r))
                .findFirst()
                // the same answer for "no such token" and "not yours": no probing other users' tokens
                .orElseThrow(() -> ProblemException.builder(
                                ProblemType.NOT_FOUND, "No token with this value was issued to you.")
                        .field("token")
                        .build());
        return new Renewal(parent, audit.conversationOf(parent.id()));
    }

    private String token(String contentType, byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "Send {\"token\": \"auth_tokens/…\"}.")
                    .field("token")
                    .build();
        }
        if (contentType == null || !MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        }
        RenewRequest r = json.readValue(body, RenewRequest.class);
        if (r == null
                || r.token() == null
                || !r.token().startsWith("auth_tokens/")
                || r.token().length() > 4096) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'token' must be an auth_tokens/… token.")
                    .field("token")
                    .build();
        }
        return r.token();
    }

    /** JDBC work on a worker of the request's context (its result comes back to the event loop). */
    private <T> Uni<T> blocking(Context ctx, Supplier<T> work) {
        if (ctx == null) {
            return Uni.createFrom().item(work).runSubscriptionOn(store.executor());
        }
        return Uni.createFrom()
                .completionStage(() -> ctx.executeBlocking(work::get, false).toCompletionStage());
    }
}
