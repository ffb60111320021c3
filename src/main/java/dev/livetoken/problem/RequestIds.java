package dev.livetoken.problem;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.vertx.ext.web.RoutingContext;

/**
 * The request id that ties a problem answer, an audit record and log lines together. A caller's
 * own {@code X-Request-Id} is kept when it is short and plain; otherwise we make one.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String CONTEXT_KEY = "livetoken.requestId";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{8,64}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** Assigns the id once per request and echoes it in the response header. */
    public static String assign(RoutingContext ctx) {
        String existing = ctx.get(CONTEXT_KEY);
        if (existing != null) {
            return existing;
        }
        String offered = ctx.request().getHeader(HEADER);
        String id = offered != null && ACCEPTABLE.matcher(offered).matches() ? offered : newId();
        ctx.put(CONTEXT_KEY, id);
        ctx.response().headers().set(HEADER, id);
        return id;
    }

    /** The id of the request in hand, or null outside a request. */
    public static String of(RoutingContext ctx) {
        return ctx == null ? null : ctx.get(CONTEXT_KEY);
    }

    static String newId() {
        // 128 random bits, hex: cheaper than UUID.randomUUID()'s SecureRandom on the hot path,
        // and an id is a correlation handle, not a secret.
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[15 - i] = HEX[(int) (hi >>> (i * 4)) & 0xf];
            out[31 - i] = HEX[(int) (lo >>> (i * 4)) & 0xf];
        }
        return new String(out);
    }
}
