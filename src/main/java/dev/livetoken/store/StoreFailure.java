package dev.livetoken.store;

import java.sql.SQLException;
import java.time.Duration;

/** A store operation failed; mapped to a 503 problem, the SQL text stays in our logs only. */
public class StoreFailure extends RuntimeException {

    /** {@code Retry-After} of every {@code 503 store-unavailable}. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    public StoreFailure(SQLException cause) {
        super("store operation failed: SQLState " + cause.getSQLState(), cause);
    }

    /** A failure of the store's own machinery (no SQL involved), e.g. its group-commit queue is full. */
    public StoreFailure(String message) {
        super(message);
    }

    /** The SQLState of the cause, or null when there is none. */
    public String sqlState() {
        return getCause() instanceof SQLException sql ? sql.getSQLState() : null;
    }
}
