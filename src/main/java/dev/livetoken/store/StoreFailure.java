package dev.livetoken.store;

import java.sql.SQLException;

/** A store operation failed; mapped to a 503 problem, the SQL text stays in our logs only. */
public class StoreFailure extends RuntimeException {
    public StoreFailure(SQLException cause) {
        super("store operation failed: SQLState " + cause.getSQLState(), cause);
    }
}
