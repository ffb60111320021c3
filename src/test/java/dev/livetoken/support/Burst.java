package dev.livetoken.support;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Many mints at once against one limit, and what each caller heard: for the tests that a limit is
 * exact under concurrency ({@code UsageLimitsTest}, {@code LiveTokenCapTest}, {@code TwoReplicasIT}).
 * <p>
 * On a loaded machine a mint may end without a token for its caller, and that is the service doing
 * its job, not a limit going wrong: the store ran past the mint's budget ({@code 503
 * store-unavailable}: the mint itself carries on, and either gives its reservation back or, if it
 * already asked Google, keeps it and records its token as {@code discarded}); the audit record could
 * not be written ({@code 503 audit-unavailable}, reservation given back); the upstream (here the
 * in-process emulator, starved like everything else) answered too late, not at all, or its
 * connection broke ({@code 504 upstream-timeout}, {@code 503 upstream-unavailable}, {@code 502
 * upstream-bad-response} "the connection ... failed", {@code 502 upstream-error}; reservation given
 * back); or the test's own client gave up waiting (the service sees a caller hang up). The upstream
 * refusing our request ({@code 502 upstream-rejected}) is not load: it counts as unexpected.
 * <p>
 * A test counts these explicitly rather than hoping they do not happen, and checks what must hold
 * whatever the load: no more tokens than the limit; a token for every {@code 201}, and beyond those
 * only for callers that got none; the limit's usage equal to what the tokens that exist account for
 * once every mint has ended (nothing reserved leaks); and exactly the limit's worth of tokens once
 * the rest is minted one at a time ({@link #topUp}). With no mint ended without a token, the burst
 * itself must give exactly the limit, as before.
 */
public final class Burst {

    private Burst() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How long the usage and the tokens must stay put for the mints to count as ended: longer than
     * any step a mint still running can take without moving one of them (one store statement, 2 s at
     * most; its upstream call holds a reservation without a record, so the two differ meanwhile).
     */
    public static final Duration QUIET = Duration.ofSeconds(3);

    /** The longest a test waits for a burst's mints to end. */
    public static final Duration MAX_SETTLE = Duration.ofSeconds(60);

    /** Problem types of a mint that ended without a token for its caller because the machine was slow. */
    public static final Set<String> NO_TOKEN_UNDER_LOAD = Set.of(
            "store-unavailable",
            "audit-unavailable",
            "upstream-timeout",
            "upstream-unavailable",
            "upstream-throttled",
            "upstream-bad-response",
            "upstream-error");

    /** What the callers heard: tokens, refusals naming the limit, mints that ended without a token, anything else. */
    public record Outcome(int minted, int refused, List<String> withoutToken, List<String> other) {
        public int answers() {
            return minted + refused + withoutToken.size() + other.size();
        }

        /**
         * Once every mint has ended, {@code tokens} recorded: never more than {@code limit}, a token
         * for every 201, and beyond those only for callers that got none.
         */
        public void assertTokens(long tokens, int limit) {
            org.assertj.core.api.Assertions.assertThat(tokens)
                    .as("never more tokens than the limit")
                    .isLessThanOrEqualTo(limit);
            org.assertj.core.api.Assertions.assertThat(tokens)
                    .as("a token for every 201, and beyond those only for callers that got none")
                    .isBetween((long) minted, (long) minted + withoutToken.size());
        }

        @Override
        public String toString() {
            return minted + " minted, " + refused + " refused, " + withoutToken.size() + " without a token under load "
                    + withoutToken + ", " + other.size() + " other " + other;
        }
    }

    /** Sends every request at once and sorts the answers; a refusal counts only if it names {@code scope}. */
    public static Outcome fire(HttpClient http, List<HttpRequest> requests, String scope) throws InterruptedException {
        return outcome(send(http, requests), scope);
    }

    /** Sends every request at once. */
    public static List<CompletableFuture<HttpResponse<String>>> send(HttpClient http, List<HttpRequest> requests) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (HttpRequest r : requests) {
            calls.add(http.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
        }
        return calls;
    }

    /** Waits for the answers and sorts them; a refusal counts only if it names {@code scope}. */
    public static Outcome outcome(List<CompletableFuture<HttpResponse<String>>> calls, String scope)
            throws InterruptedException {
        int minted = 0;
        int refused = 0;
        List<String> withoutToken = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (var c : calls) {
            HttpResponse<String> r;
            try {
                r = c.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof HttpTimeoutException) {
                    // our client gave up: to the service, a caller that hung up
                    withoutToken.add("client timeout");
                } else {
                    other.add(String.valueOf(e.getCause()));
                }
                continue;
            }
            switch (classify(r, scope)) {
                case MINTED -> minted++;
                case REFUSED -> refused++;
                case NO_TOKEN -> withoutToken.add(r.statusCode() + " " + problemType(r));
                case OTHER -> other.add(r.statusCode() + " " + r.body());
            }
        }
        return new Outcome(minted, refused, withoutToken, other);
    }

    /** How one answer counts. */
    public enum Kind {
        MINTED,
        REFUSED,
        NO_TOKEN,
        OTHER
    }

    public static Kind classify(HttpResponse<String> r, String scope) {
        if (r.statusCode() == 201) {
            return Kind.MINTED;
        }
        JsonNode body = problem(r);
        if (r.statusCode() == 429 && scope.equals(body.path("scope").asText())) {
            return Kind.REFUSED;
        }
        if (r.statusCode() >= 502 && r.statusCode() <= 504 && NO_TOKEN_UNDER_LOAD.contains(problemType(r))) {
            return Kind.NO_TOKEN;
        }
        return Kind.OTHER;
    }

    static JsonNode problem(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    static String problemType(HttpResponse<String> r) {
        String type = problem(r).path("type").asText();
        return type.substring(type.lastIndexOf('/') + 1);
    }

    /**
     * Waits until every mint of a burst has ended: a caller answered {@code 503} because the store ran
     * past its budget leaves its mint running (to give its reservation back, or to record its token
     * as discarded). Ended means the usage held equals what the tokens that exist account for, and
     * neither has moved for {@code quiet}: a mint still running holds a reservation without a record,
     * and the longest step it can still take (a store statement, the upstream deadline) moves one of
     * them within that time. True once settled; false if not within {@code max}.
     *
     * @param held   the limit's usage as the store counts it (reservations kept)
     * @param tokens the usage the recorded tokens account for
     */
    public static boolean settle(LongSupplier held, LongSupplier tokens, Duration quiet, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long lastHeld = -1;
        long lastTokens = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long h = held.getAsLong();
            long t = tokens.getAsLong();
            if (h != lastHeld || t != lastTokens || h != t) {
                lastHeld = h;
                lastTokens = t;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** One mint, as the caller of {@link #topUp} sends it. */
    public interface Mint {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /**
     * Mints one at a time until the limit refuses, naming {@code scope}; returns how many were
     * minted. A mint that ends without a token under load is tried again (at most {@code
     * maxWithoutToken} times) once {@code settled} says the mints before it have ended. Any other
     * answer fails the caller's test.
     */
    public static int topUp(Mint mint, String scope, int atMost, int maxWithoutToken, Settled settled)
            throws IOException, InterruptedException {
        int minted = 0;
        int withoutToken = 0;
        while (true) {
            HttpResponse<String> r = mint.send();
            switch (classify(r, scope)) {
                case MINTED -> {
                    if (++minted > atMost) {
                        throw new AssertionError("minted " + minted + " one at a time, more than the " + atMost
                                + " the limit can have left");
                    }
                }
                case REFUSED -> {
                    return minted;
                }
                case NO_TOKEN -> {
                    if (++withoutToken > maxWithoutToken) {
                        throw new AssertionError("topping up: " + withoutToken + " mints in a row without a token ("
                                + r.statusCode() + " " + r.body() + ")");
                    }
                    if (!settled.await()) {
                        throw new AssertionError("topping up: the mints did not settle");
                    }
                }
                case OTHER -> throw new AssertionError("topping up: unexpected " + r.statusCode() + " " + r.body());
            }
        }
    }

    /** Waits until the mints so far have ended; false if they did not. */
    public interface Settled {
        boolean await() throws InterruptedException;
    }
}
