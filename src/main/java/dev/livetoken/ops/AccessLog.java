package dev.livetoken.ops;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.MDC;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.auth.Caller;

/**
 * What resources tell the access line about the request in hand: who called, and for a mint the
 * lock mode of the token. Holds no secret: never pass a JWT or a token here.
 */
@ApplicationScoped
public class AccessLog {

    /** Notes the lock mode of the minted token; a no-op outside an API request. */
    public interface Entry {
        void locked(boolean locked);
    }

    private static final Entry NONE = locked -> {};

    private final CurrentVertxRequest request;

    AccessLog(CurrentVertxRequest request) {
        this.request = request;
    }

    /**
     * Records the verified caller of the current request (call it on the request's thread, e.g.
     * at the top of a resource method) and returns the handle for what is learnt later.
     */
    public Entry caller(Caller caller) {
        return caller(caller, request.getCurrent());
    }

    /** The same, for handlers that hold the request's routing context (Vert.x routes, outside CDI's request scope). */
    public Entry caller(Caller caller, RoutingContext ctx) {
        MDC.put(OpsHttpFilters.MDC_TENANT, caller.tenant());
        OpsHttpFilters.AccessEntry e = ctx == null ? null : ctx.get(OpsHttpFilters.ACCESS_KEY);
        if (e == null) {
            return NONE;
        }
        e.tenant = caller.tenant();
        e.subject = caller.subject();
        return locked -> e.locked = locked;
    }
}
