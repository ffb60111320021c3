package dev.livetoken.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The active datasource (PostgreSQL or embedded H2, see {@link StoreSelection}) and the executor
 * that runs every JDBC call, so blocking work never lands on a Vert.x event loop.
 */
@ApplicationScoped
public class Store {

    private static final Logger LOG = Logger.getLogger(Store.class);
    private volatile AgroalDataSource dataSource;
    private volatile String kind;
    /** JDBC blocks; virtual threads park cheaply while the pool or the database makes them wait. */
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("livetoken-jdbc-", 0).factory());

    void announce(@Observes StartupEvent ev) {
        LOG.infof("Store: %s", kind());
    }

    public AgroalDataSource dataSource() {
        AgroalDataSource ds = dataSource;
        if (ds == null) {
            var pg = AgroalDataSourceUtil.dataSourceIfActive("<default>");
            if (pg.isPresent()) {
                kind = "postgresql";
                ds = pg.get();
            } else {
                kind = "embedded-h2";
                ds = AgroalDataSourceUtil.dataSourceIfActive("embedded")
                        .orElseThrow(() -> new IllegalStateException("no active datasource"));
            }
            dataSource = ds;
        }
        return ds;
    }

    /** {@code postgresql} or {@code embedded-h2}. */
    public String kind() {
        dataSource();
        return kind;
    }

    public Connection connection() throws SQLException {
        return dataSource().getConnection();
    }

    public Executor executor() {
        return executor;
    }
}
