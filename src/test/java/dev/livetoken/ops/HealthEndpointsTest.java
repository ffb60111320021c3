package dev.livetoken.ops;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The three probe endpoints the k8s Deployment and the image HEALTHCHECK use. */
@QuarkusTest
@Tag("store")
class HealthEndpointsTest {

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void startupProbeIsUpOnceStarted() {
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessIncludesTheApiKeyAndGracefulShutdownChecks() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(UpstreamKeyReadinessCheck.NAME, "Graceful Shutdown"))
                .body("checks.find { it.name == '" + UpstreamKeyReadinessCheck.NAME + "' }.status", equalTo("UP"))
                .body(
                        "checks.find { it.name == '" + UpstreamKeyReadinessCheck.NAME + "' }.data.emulator",
                        equalTo(true));
    }
}
