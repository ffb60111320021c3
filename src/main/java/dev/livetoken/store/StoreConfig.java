package dev.livetoken.store;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How long store work may take. Together with the upstream's connect and read timeouts these make
 * the time budget of a mint: it is answered within {@code connect + read + mint-budget}, with a
 * {@code 503 store-unavailable} and {@code Retry-After} when the store is what ran out of time.
 */
@ConfigMapping(prefix = "livetoken.store")
public interface StoreConfig {

    /** File of the embedded H2 store (used when no PostgreSQL URL is set). Read by the datasource URL. */
    @WithDefault("./data/livetoken")
    String embeddedPath();

    /**
     * Longest a mint waits for the store in total (policy lookup on a cache miss, reservation, audit
     * write). Past it the caller gets {@code 503 store-unavailable}; the store work still finishes or
     * is rolled back in the background, and a reservation it leaves behind is given back.
     */
    @WithDefault("PT3S")
    Duration mintBudget();

    /**
     * Longest any one statement may run or wait for a lock, on every store connection (mints, admin
     * calls, background jobs), so a stalled store frees its threads and connections.
     */
    @WithDefault("PT2S")
    Duration statementTimeout();

    /**
     * Longest a caller waits for a pooled connection when all are busy. Applied to the datasource
     * ({@code quarkus.datasource.jdbc.acquisition-timeout} and its embedded twin, see
     * application.properties). It also bounds opening a new connection, so it stays generous: a
     * mint is answered within its budget regardless.
     */
    @WithDefault("PT5S")
    Duration acquisitionTimeout();
}
