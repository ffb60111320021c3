package dev.livetoken.problem;

import java.util.stream.Collectors;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;

/**
 * The one exception-mapper family: every error leaves as {@code application/problem+json} with a
 * stable type. Messages of foreign exceptions are never copied into an answer, because they may
 * carry class names, upstream text or secrets.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, RoutingContext ctx) {
        return respond(e, ctx);
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e, RoutingContext ctx) {
        return respond(
                ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "A valid bearer JWT is required."), ctx);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, RoutingContext ctx) {
        return respond(ProblemException.of(ProblemType.FORBIDDEN, "Your roles do not allow this operation."), ctx);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, RoutingContext ctx) {
        return respond(fromJackson(e), ctx);
    }

    /** Named separately: Quarkus ships its own mapper for this subtype, and the most specific wins. */
    @ServerExceptionMapper
    public Response jsonMismatch(MismatchedInputException e, RoutingContext ctx) {
        return respond(fromJackson(e), ctx);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, RoutingContext ctx) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException jpe) {
            return respond(fromJackson(jpe), ctx);
        }
        ProblemException p = switch (e) {
            case NotFoundException nf -> ProblemException.of(ProblemType.NOT_FOUND, "No resource at this path.");
            case NotAllowedException na ->
                ProblemException.builder(ProblemType.METHOD_NOT_ALLOWED, "This method is not allowed on this path.")
                        .header("Allow", String.join(", ", na.getResponse().getAllowedMethods()))
                        .build();
            case NotSupportedException ns ->
                ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
            case NotAcceptableException nac ->
                ProblemException.of(ProblemType.NOT_ACCEPTABLE, "This resource answers application/json.");
            default -> fromStatus(e.getResponse().getStatus());
        };
        return respond(p, ctx);
    }

    @ServerExceptionMapper
    public Response wrappedJson(ProblemException.Wrapped e, RoutingContext ctx) {
        return respond(fromJackson((JsonProcessingException) e.getCause()), ctx);
    }

    @ServerExceptionMapper
    public Response store(dev.livetoken.store.StoreFailure e, RoutingContext ctx) {
        LOG.errorf("Store failure while handling request %s: %s", RequestIds.of(ctx), e.getMessage());
        return respond(
                ProblemException.builder(
                                ProblemType.STORE_UNAVAILABLE, "The service's store is unavailable; try again shortly.")
                        .retryAfter(java.time.Duration.ofSeconds(5))
                        .build(),
                ctx);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, RoutingContext ctx) {
        // Logged by class only: an exception message may hold a secret we did not put there.
        LOG.errorf("Unexpected %s while handling request %s", e.getClass().getName(), RequestIds.of(ctx));
        return respond(
                ProblemException.of(
                        ProblemType.INTERNAL_ERROR,
                        "Something went wrong on our side; quote the request id if you report it."),
                ctx);
    }

    public static ProblemException fromJackson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String field = path(u);
            return ProblemException.builder(ProblemType.INVALID_REQUEST, "Unknown field '" + field + "'.")
                    .field(field)
                    .suggestions(u.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .toList())
                    .build();
        }
        if (e instanceof MismatchedInputException m
                && m.getMessage() != null
                && m.getMessage().startsWith("Trailing token")) {
            return ProblemException.of(ProblemType.MALFORMED_JSON, "The body has content after its JSON value.");
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            String field = path((JsonMappingException) e);
            return ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            field.isEmpty()
                                    ? "The body must be a JSON object."
                                    : "Field '" + field + "' has the wrong type.")
                    .field(field.isEmpty() ? null : field)
                    .build();
        }
        var loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return ProblemException.of(ProblemType.MALFORMED_JSON, "The body is not valid JSON" + where + ".");
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    static ProblemException fromStatus(int status) {
        return switch (status) {
            case 400 -> ProblemException.of(ProblemType.INVALID_REQUEST, "The request is invalid.");
            case 401 -> ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "A valid bearer JWT is required.");
            case 403 -> ProblemException.of(ProblemType.FORBIDDEN, "Forbidden.");
            case 404 -> ProblemException.of(ProblemType.NOT_FOUND, "No resource at this path.");
            case 405 -> ProblemException.of(ProblemType.METHOD_NOT_ALLOWED, "This method is not allowed on this path.");
            case 406 -> ProblemException.of(ProblemType.NOT_ACCEPTABLE, "This resource answers application/json.");
            case 413 -> ProblemException.of(ProblemType.BODY_TOO_LARGE, "The request body is too large.");
            case 415 -> ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
            default ->
                ProblemException.of(
                        ProblemType.INTERNAL_ERROR,
                        "Something went wrong on our side; quote the request id if you report it.");
        };
    }

    private static Response respond(ProblemException e, RoutingContext ctx) {
        String path = ctx == null ? null : ctx.request().path();
        String id = ctx == null ? null : RequestIds.assign(ctx);
        if (ctx != null) {
            ctx.put(ProblemResponses.PROBLEM_TYPE_KEY, e.type().slug());
        }
        return ProblemResponses.response(e, path, id);
    }
}
