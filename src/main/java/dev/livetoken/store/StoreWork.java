package dev.livetoken.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * JDBC work on a connection the {@link Store} hands in: it runs the statements and leaves
 * transactions, commits, rollbacks and turning {@link SQLException}s into {@link StoreFailure}s to
 * the store ({@link Store#read}, {@link Store#inTransaction}, {@link Store#groupCommit}).
 */
@FunctionalInterface
public interface StoreWork<T> {

    T run(Connection c) throws SQLException;
}
