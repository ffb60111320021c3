package dev.livetoken.mint;

import java.io.IOException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.ops.AccessLog;
import dev.livetoken.problem.EdgeConfig;
import dev.livetoken.problem.HttpEdgeFilters;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;
import dev.livetoken.problem.VertxProblems;

/**
 * {@code POST /v1/tokens}, the hot path, as a plain Vert.x route rather than a JAX-RS resource: the
 * mint is one exchange on the request's event loop (JWT, policy, plan, upstream call) with its store
 * work on the store's threads (the executor rule in {@link dev.livetoken.store.Store}), and nothing
 * between the socket and {@link MintService} but Vert.x: no resource method dispatch, no CDI request
 * context, no per-hop context capture. It answers exactly what the resource did (the contract in
 * {@code openapi.yaml}; problem answers through {@link VertxProblems}, the same table and mapping).
 * Measured in docs/performance.md.
 */
@ApplicationScoped
public class TokenRoute {

    public static final String PATH = "/v1/tokens";
    static final String JSON_UTF8 = "application/json;charset=UTF-8";

    private final CallerResolver callers;
    private final IdentityProviderManager identities;
    private final MintService mint;
    private final ObjectMapper json;
    private final AccessLog accessLog;
    private final long maxBodyBytes;

    TokenRoute(
            CallerResolver callers,
            IdentityProviderManager identities,
            MintService mint,
            ObjectMapper json,
            AccessLog accessLog,
            EdgeConfig edge) {
        this.callers = callers;
        this.identities = identities;
        this.mint = mint;
        this.json = json;
        this.accessLog = accessLog;
        this.maxBodyBytes = edge.maxBodySize();
    }

    void routes(@Observes Router router) {
        // After Quarkus' own filters (CORS, authentication: orders -300…-100) and ours, before RESTEasy.
        // The body limit is HttpEdgeFilters' (413 before this route runs, announced or chunked).
        router.post(PATH).order(500).handler(this::mint).failureHandler(this::failed);
        router.route(PATH).order(501).handler(ctx -> VertxProblems.methodNotAllowed(ctx, json, "POST"));
    }

    private void mint(RoutingContext ctx) {
        HttpEdgeFilters.body(ctx).onComplete(body -> {
            if (body.failed()) {
                refuse(ctx, VertxProblems.of(body.cause(), RequestIds.of(ctx)));
            } else {
                authenticate(ctx, body.result());
            }
        });
    }

    private void authenticate(RoutingContext ctx, Buffer body) {
        Context context = Vertx.currentContext();
        SecurityIdentity known = ctx.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        if (known != null) {
            authenticated(ctx, known, body);
            return;
        }
        // Lazy authentication (quarkus.http.auth.proactive=false): the JWT is verified here, once.
        QuarkusHttpUser.getSecurityIdentity(ctx, identities)
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .subscribe()
                .with(identity -> authenticated(ctx, identity, body), t -> refuse(ctx, unauthenticated()));
    }

    private void authenticated(RoutingContext ctx, SecurityIdentity identity, Buffer body) {
        Uni<MintResponse> minted;
        AccessLog.Entry access;
        try {
            if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                throw unauthenticated();
            }
            Caller caller = callers.resolve(jwt);
            // ops: the access line and mint metrics (by tenant and lock mode) are written from this entry
            access = accessLog.caller(caller, ctx);
            requireJsonAnswer(ctx.request().getHeader("Accept"));
            MintRequest request = parse(ctx.request().getHeader("Content-Type"), body);
            minted = mint.mint(caller, request, RequestIds.of(ctx));
        } catch (IOException | RuntimeException e) {
            refuse(ctx, VertxProblems.of(e, RequestIds.of(ctx)));
            return;
        }
        var subscription = minted.subscribe()
                .with(
                        answer -> {
                            access.locked(answer.locked());
                            answer(ctx, answer);
                        },
                        failure -> refuse(ctx, VertxProblems.of(failure, RequestIds.of(ctx))));
        // A caller that hangs up cancels only what it hears; the mint itself runs to its end (MintService).
        ctx.response().closeHandler(v -> subscription.cancel());
    }

    private void answer(RoutingContext ctx, MintResponse answer) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        Buffer body;
        try {
            body = Buffer.buffer(json.writeValueAsBytes(answer));
        } catch (IOException e) {
            refuse(ctx, VertxProblems.of(e, RequestIds.of(ctx)));
            return;
        }
        ctx.response()
                .setStatusCode(201)
                .putHeader("Content-Type", JSON_UTF8)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .end(body);
    }

    private void refuse(RoutingContext ctx, ProblemException p) {
        if (!ctx.response().closed()) {
            VertxProblems.send(ctx, json, p);
        }
    }

    private void failed(RoutingContext ctx) {
        VertxProblems.routeFailed(ctx, json, maxBodyBytes);
    }

    private static ProblemException unauthenticated() {
        return ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "A valid bearer JWT is required.");
    }

    /** The body is optional, so an empty one (any or no content type) means "all defaults". */
    private MintRequest parse(String contentType, Buffer bytes) throws IOException {
        if (bytes == null || bytes.length() == 0) {
            return MintRequest.EMPTY;
        }
        if (!isJson(contentType)) {
            throw ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        }
        MintRequest r = json.readValue(bytes.getBytes(), MintRequest.class);
        if (r == null) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        return r;
    }

    /** As JAX-RS' {@code isCompatible(application/json)}: {@code application/json}, {@code application/*} or {@code *}{@code /*}. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = mediaType(contentType);
        return type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
    }

    /** 406 unless the caller accepts JSON (no Accept header accepts anything), as {@code @Produces} did. */
    static void requireJsonAnswer(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        for (String part : accept.split(",")) {
            if (isJson(part)) {
                return;
            }
        }
        throw ProblemException.of(ProblemType.NOT_ACCEPTABLE, "This resource answers application/json.");
    }

    private static String mediaType(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
