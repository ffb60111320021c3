package dev.livetoken.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

import dev.livetoken.store.Store;

import static io.restassured.RestAssured.given;

/** Test helpers for a stalled store and callers that give up: the ways a reservation could leak. */
public final class Stalls {

    private Stalls() {}

    /**
     * Opens a transaction that holds the row lock of a user's daily quota counter (which must
     * exist: mint once first), as a stalled or long transaction in the store would. Roll it back or
     * close it to let the store go on.
     */
    public static Connection lockUserCounter(Store store, String tenant, String subject) throws SQLException {
        Connection c = store.dataSource().getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("UPDATE usage_counter SET used = used WHERE counter_key = ?")) {
            ps.setString(1, "d:" + LocalDate.now(ZoneOffset.UTC) + ":u:" + tenant + ":" + subject);
            if (ps.executeUpdate() != 1) {
                c.rollback();
                c.close();
                throw new IllegalStateException("no counter row for " + subject + " of " + tenant + " yet");
            }
        }
        return c;
    }

    /**
     * A caller that gives up: sends {@code POST /v1/tokens} on a plain socket and closes the
     * connection after {@code after}, without reading the answer.
     */
    public static void hangUp(String bearer, Duration after) throws IOException, InterruptedException {
        try (Socket s = new Socket("localhost", RestAssured.port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/tokens HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + bearer
                            + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(after.toMillis());
        }
    }

    /**
     * A caller that gives up mid-mint: sends {@code POST /v1/tokens} on a plain socket and closes the
     * connection once {@code when} holds (or after {@code max}), without reading the answer.
     */
    public static void hangUpWhen(String bearer, BooleanSupplier when, Duration max)
            throws IOException, InterruptedException {
        try (Socket s = new Socket("localhost", RestAssured.port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/tokens HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + bearer
                            + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            eventually(max, when);
        }
    }

    /** Today's mints of one user, as the usage API counts them (its reservations). */
    public static long userUsedToday(String tenant, String subject) {
        return Long.parseLong(given().header("Authorization", Admin.PLATFORM)
                .queryParam("subject", subject)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .extract()
                .path("limits.find { it.scope == 'user-quota' }.used")
                .toString());
    }

    /** The tenant's audit records (up to 500), as the audit API lists them. */
    public static List<String> deliveries(String tenant) {
        JsonPath page = given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("limit", 500)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        return page.getList("items.delivery", String.class);
    }

    /** The value of one Prometheus sample whose line contains every fragment, 0 if none. */
    public static double metric(String name, String... fragments) {
        String text = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String f : fragments) {
                all &= line.contains(f);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Waits up to {@code max} for a condition; false if it never held. */
    public static boolean eventually(Duration max, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
