package dev.livetoken.mint;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.StoreFailure;

/**
 * The line back to one mint's caller. The mint itself always runs to its end, whatever happens
 * here, so that a reservation is either spent on a recorded token or given back; the line only
 * decides what the caller hears and when: the token, a {@code 503 store-unavailable} as soon as the
 * mint has waited on the store for longer than its budget, or nothing because it hung up. Whatever
 * comes first closes the line; later outcomes find it closed and are reconciled by the mint.
 *
 * @param <T> what the caller gets: one mint answer, or a conversation's
 */
final class CallerLine<T> {

    private final CompletableFuture<T> answer = new CompletableFuture<>();
    private final Vertx vertx;
    /** Store time this mint may still spend before its caller is answered 503. */
    private final AtomicLong storeNanosLeft;

    CallerLine(Vertx vertx, Duration storeBudget) {
        this.vertx = vertx;
        this.storeNanosLeft = new AtomicLong(storeBudget.toNanos());
    }

    /** What the caller hears; completing a copy of it is harmless, cancelling it hangs up. */
    CompletableFuture<T> answer() {
        return answer;
    }

    /** The caller hung up: its request was cancelled (the connection closed). */
    void hangUp() {
        answer.cancel(false);
    }

    /** True once a token can no longer reach the caller: it hung up, or it has had its answer. */
    boolean closed() {
        return answer.isDone();
    }

    /** Hands the token over; false when the line was already closed, i.e. the token is discarded. */
    boolean deliver(T response) {
        return answer.complete(response);
    }

    /** Answers with a failure (a problem); false, and a no-op, on a closed line. */
    boolean fail(Throwable failure) {
        return answer.completeExceptionally(failure);
    }

    /**
     * Runs one store step on the mint's store budget: if the budget runs out while the step is still
     * running, the caller is answered 503 at once. The step itself is never cancelled (its outcome,
     * even a late one, is the mint's to reconcile); its duration is taken off the budget.
     */
    <S> Uni<S> onStoreBudget(Uni<S> step) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            long leftMs = Math.max(1, Duration.ofNanos(storeNanosLeft.get()).toMillis());
            long timer = vertx.setTimer(leftMs, id -> fail(storeTimedOut()));
            return step.onTermination().invoke(() -> {
                vertx.cancelTimer(timer);
                storeNanosLeft.addAndGet(-(System.nanoTime() - start));
            });
        });
    }

    private static ProblemException storeTimedOut() {
        return ProblemException.builder(
                        ProblemType.STORE_UNAVAILABLE,
                        "The service's store did not answer in time, so no token was issued; try again shortly.")
                .retryAfter(StoreFailure.RETRY_AFTER)
                .build();
    }
}
