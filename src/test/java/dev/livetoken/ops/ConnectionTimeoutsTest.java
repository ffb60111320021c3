package dev.livetoken.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections that hold a slot without sending a request are closed within the documented
 * {@code quarkus.http.idle-timeout} (30 s): one that sends nothing, one that stalls half-way
 * through its headers, and a kept-alive one that stays idle after its answer. The three wait side by
 * side, each on a thread of its own (the common pool has a single thread on a 2-core machine, which
 * made them wait one after the other: 90 s instead of 30).
 */
@QuarkusTest
class ConnectionTimeoutsTest {

    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MARGIN = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URL base;

    /** Sends {@code bytes}, then reads until the server closes; returns how long that took. */
    CompletableFuture<Duration> closedAfter(String bytes, ExecutorService waiters) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (Socket s = new Socket(base.getHost(), base.getPort())) {
                        s.setSoTimeout((int) IDLE_TIMEOUT.plus(MARGIN).toMillis());
                        long start = System.nanoTime();
                        OutputStream out = s.getOutputStream();
                        out.write(bytes.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        InputStream in = s.getInputStream();
                        try {
                            while (in.read() != -1) {
                                // drain an answer, if any, until the server closes
                            }
                        } catch (SocketTimeoutException e) {
                            return Duration.ofDays(1);
                        } catch (IOException e) {
                            // reset by the server: closed
                        }
                        return Duration.ofNanos(System.nanoTime() - start);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                },
                waiters);
    }

    @Test
    void silentStalledAndIdleKeepAliveConnectionsAreClosed() throws Exception {
        String host = "Host: " + base.getHost() + "\r\n";
        try (ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Duration>> all = List.of(
                    closedAfter("", waiters),
                    closedAfter("GET /q/health/live HTTP/1.1\r\n" + host + "X-Slow: ", waiters),
                    closedAfter("GET /q/health/live HTTP/1.1\r\n" + host + "\r\n", waiters));
            for (CompletableFuture<Duration> c : all) {
                assertThat(c.get(IDLE_TIMEOUT.plus(MARGIN).toSeconds() + 5, TimeUnit.SECONDS))
                        .isLessThanOrEqualTo(IDLE_TIMEOUT.plus(MARGIN));
            }
        }
    }
}
