package dev.livetoken.support;

import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.MintedName;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;
import dev.livetoken.upstream.UpstreamMetrics;

/**
 * The emulator behind a switch: while {@link #failures} is above 0, each upstream call fails as an
 * unavailable Google would (503 upstream-unavailable) and counts down. Install it for one test with
 * {@code QuarkusMock.installMockForType(flaky, UpstreamFacade.class)}. Vetoed: it must not become a
 * second bean of its superclass's (inherited) scope.
 */
@jakarta.enterprise.inject.Vetoed
public final class FlakyUpstream extends UpstreamFacade {

    public final AtomicInteger failures = new AtomicInteger();

    public FlakyUpstream(Vertx vertx, UpstreamConfig config, UpstreamMetrics metrics) {
        super(vertx, config, metrics);
    }

    @Override
    public Uni<MintedName> create(AuthTokenSpec spec) {
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Uni.createFrom()
                    .failure(ProblemException.of(
                            ProblemType.UPSTREAM_UNAVAILABLE, "The Gemini API is unavailable (test)."));
        }
        return super.create(spec);
    }
}
