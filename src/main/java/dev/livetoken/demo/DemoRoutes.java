package dev.livetoken.demo;

import java.net.URI;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.ops.OpsHttpFilters;
import dev.livetoken.problem.Problem;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemResponses;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;
import dev.livetoken.upstream.UpstreamFacade;

/**
 * The browser demo at {@code /demo/}: static files under {@code META-INF/resources/demo/}, served
 * by Quarkus' static handler. These routes run before it: they answer 404 while the demo is off
 * (production, unless {@code livetoken.demo.enabled}), give the page its own Content-Security-Policy
 * (every other route keeps {@code default-src 'none'}), and serve {@code config.json}, which tells
 * the page whether the dev sign-in ({@code POST /dev/v1/jwt}) exists in this build.
 */
@ApplicationScoped
public class DemoRoutes {

    static final String PATH = "/demo/";

    private final DemoConfig config;
    private final UpstreamFacade upstream;
    private final ObjectMapper json;
    private final boolean devSignIn;
    private volatile String csp;

    DemoRoutes(DemoConfig config, UpstreamFacade upstream, ObjectMapper json) {
        this.config = config;
        this.upstream = upstream;
        this.json = json;
        // the same build profiles as DevJwtResource (@IfBuildProfile dev, test)
        this.devSignIn = ConfigUtils.isProfileActive("dev") || ConfigUtils.isProfileActive("test");
    }

    void routes(@Observes Router router) {
        router.route("/demo").order(-90).handler(this::redirect);
        router.route(PATH + "*").order(-90).handler(this::demo);
    }

    private void redirect(RoutingContext ctx) {
        if (!ctx.request().path().equals("/demo")) {
            ctx.next(); // Vert.x matches "/demo/" here too
            return;
        }
        if (!config.enabled()) {
            notFound(ctx);
            return;
        }
        ctx.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, PATH).end();
    }

    private void demo(RoutingContext ctx) {
        if (!config.enabled()) {
            notFound(ctx);
            return;
        }
        ctx.put(OpsHttpFilters.CSP_KEY, csp());
        if (ctx.normalizedPath().equals(PATH + "config.json")) {
            ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Buffer.buffer(write(Map.of("devSignIn", devSignIn))));
            return;
        }
        // Static files: revalidate each time, so a new version of the page is never mixed with an old module.
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        ctx.next();
    }

    /**
     * Scripts, styles and the AudioWorklet module only from this server; connections only to this
     * server and to the Live API origin the minted tokens name. No inline code, no eval.
     */
    String csp() {
        String c = csp;
        if (c == null) {
            c = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self' " + origin(upstream.websocketUrl()) + "; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            csp = c;
        }
        return c;
    }

    static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    }

    private void notFound(RoutingContext ctx) {
        ProblemException p = ProblemException.of(ProblemType.NOT_FOUND, "The demo page is not enabled on this server.");
        ctx.put(ProblemResponses.PROBLEM_TYPE_KEY, p.type().slug());
        byte[] body = write(ProblemResponses.body(p, ctx.request().path(), RequestIds.assign(ctx)));
        ctx.response()
                .setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(Buffer.buffer(body));
    }

    private byte[] write(Object o) {
        try {
            return json.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
