package dev.livetoken.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.policy.PolicyStore;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.Policies;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * Issue 8 item 5: platform-owned ceilings every tenant policy stays within, whoever writes it, and
 * that every mint is held to even under a policy stored before they were lowered. Runs with the
 * default ceilings (the test profile only allows UNLOCKED).
 */
@QuarkusTest
@Tag("store")
class PlatformCeilingsApiTest {

    static final String CEILING = "https://livetoken.dev/problems/platform-ceiling";
    static final String RESERVED = "https://livetoken.dev/problems/platform-reserved";
    static final String LIVE = "gemini-3.5-live-translate-preview";

    @Inject
    EmulatorTokenStore emulator;

    @Inject
    PolicyStore store;

    @Test
    void anyAdminReadsTheCeilingsAnAppUserDoesNot() {
        for (String admin : new String[] {Admin.PLATFORM, Admin.tenantAdmin(Admin.newTenant("reader"))}) {
            given().filter(Contract.VALIDATED)
                    .header("Authorization", admin)
                    .when()
                    .get("/admin/v1/platform")
                    .then()
                    .statusCode(200)
                    .body("allowedModels", equalTo(java.util.List.of(LIVE)))
                    .body("maxUses", equalTo(10))
                    .body("maxTokenLifetimeSeconds", equalTo(3600))
                    .body("maxNewSessionWindowSeconds", equalTo(600))
                    .body("maxUserQuotaPerDay", equalTo(0))
                    .body("tenantAdminFields", hasItems("enabled", "allowedTargetLanguages", "userQuotaPerDay"))
                    .body("tenantAdminFields", not(hasItem("model")))
                    .body("tenantAdminFields", not(hasItem("lockMode")))
                    .body("tenantAdminFields", not(hasItem("tenantQuotaPerDay")))
                    // interpreter mode: a tenant-admin switches it on; its model and instruction are the platform's
                    .body("tenantAdminFields", hasItem("interpreterEnabled"))
                    .body("tenantAdminFields", not(hasItem("interpreterModel")))
                    .body("tenantAdminFields", not(hasItem("interpreterInstructionTemplate")))
                    .body("interpreter.allowedModels", equalTo(java.util.List.of("gemini-3.1-flash-live-preview")))
                    .body("interpreter.customTemplates", equalTo(true))
                    .body("interpreter.maxTemplateLength", equalTo(1000))
                    .body("interpreter.defaultTemplate", startsWith("You are a simultaneous interpreter."));
        }
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/admin/v1/platform")
                .then()
                .statusCode(403);
    }

    @Test
    void aTenantAdminCannotGiveItsTenantTheOperatorsModelAndLimits() {
        String tenant = Admin.newTenant("greedy");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        // the write: another model, 1000 uses, a (nearly) 20-hour lifetime, UNLOCKED, no limits
        String greedy = "{\"model\":\"gemini-2.5-pro\",\"maxUses\":1000,\"defaultUses\":1000,"
                + "\"tokenLifetimeSeconds\":71999,\"maxTokenLifetimeSeconds\":71999,\"lockMode\":\"UNLOCKED\","
                + "\"userRatePerMinute\":0,\"userQuotaPerDay\":0,\"tenantRatePerMinute\":0,\"tenantQuotaPerDay\":0}";
        Admin.replacePolicy(ops, tenant, etag, greedy)
                .statusCode(403)
                .body("type", equalTo(RESERVED))
                .body(
                        "errors.field",
                        hasItems(
                                "model",
                                "lockMode",
                                "maxUses",
                                "defaultUses",
                                "tokenLifetimeSeconds",
                                "maxTokenLifetimeSeconds"))
                .body("errors.find { it.field == 'maxUses' }.message", containsString("at most 10"))
                .body("errors.find { it.field == 'maxTokenLifetimeSeconds' }.message", containsString("at most 3600"))
                .body("errors.find { it.field == 'model' }.message", containsString("platform-admin"));
        // the same without the platform's fields: still beyond the ceilings
        Admin.patchPolicy(
                        ops,
                        tenant,
                        etag,
                        "{\"maxUses\":1000,\"tokenLifetimeSeconds\":71999,\"maxTokenLifetimeSeconds\":71999}")
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("errors.field", hasItems("maxUses", "tokenLifetimeSeconds", "maxTokenLifetimeSeconds"));

        // nothing was stored: the next mint goes upstream with the platform's model, uses and lifetime
        java.time.Instant beforeMint = java.time.Instant.now();
        String token = Mints.post(TestJwts.bearer("alice", tenant))
                .statusCode(201)
                .body("model", equalTo("models/" + LIVE))
                .body("uses", equalTo(1))
                .body("locked", equalTo(true))
                .extract()
                .path("token");
        var upstream = emulator.find(token).orElseThrow();
        assertThat(upstream.uses()).isEqualTo(1);
        assertThat(upstream.setup().path("model").asText()).endsWith(LIVE);
        assertThat(Duration.between(beforeMint, upstream.expireTime())).isLessThanOrEqualTo(Duration.ofHours(1));

        // within its fields and the ceilings a tenant-admin is free
        Admin.patchPolicy(ops, tenant, etag, "{\"maxUses\":10,\"maxTokenLifetimeSeconds\":3600,\"userQuotaPerDay\":0}")
                .statusCode(200)
                .body("maxUses", equalTo(10))
                .body("updatedBy", equalTo("ops"));
    }

    @Test
    void aPlatformAdminMaySetAnythingWithinTheCeilingsButNotBeyond() {
        String tenant = Admin.newTenant("bounded");
        Admin.putPolicy(
                        Admin.PLATFORM,
                        tenant,
                        "{\"model\":\"gemini-2.5-pro\",\"maxUses\":11,\"maxNewSessionWindowSeconds\":601}")
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("errors.field", hasItems("model", "maxUses", "maxNewSessionWindowSeconds"))
                .body("errors.find { it.field == 'model' }.message", containsString(LIVE));
        Admin.createPolicy(
                tenant,
                "{\"model\":\"models/" + LIVE + "\",\"maxUses\":10,\"maxTokenLifetimeSeconds\":3600,"
                        + "\"maxNewSessionWindowSeconds\":600,\"lockMode\":\"UNLOCKED\",\"tenantQuotaPerDay\":0}");
    }

    @Test
    void aPolicyStoredBeforeTheCeilingsWereLoweredIsClampedAtMintTime() {
        String tenant = Admin.newTenant("legacy");
        // stored straight into the store, as a policy written under older, looser ceilings would be
        TokenPolicy old = Policies.defaults()
                .withTenantId(tenant)
                .withAllowedTargetLanguages(Set.of("es"))
                .withUses(20, 50)
                .withTokenLifetime(Duration.ofHours(5), Duration.ofHours(10))
                .withNewSessionWindow(Duration.ofMinutes(30), Duration.ofHours(1))
                .build();
        assertThat(store.insert(old, "legacy-import")).isTrue();
        String alice = TestJwts.bearer("alice", tenant);

        Instant before = Instant.now();
        String token = Mints.post(alice)
                .statusCode(201)
                .body("uses", equalTo(10))
                .body("expiresInSeconds", equalTo(3600))
                .extract()
                .path("token");
        var upstream = emulator.find(token).orElseThrow();
        assertThat(upstream.uses()).isEqualTo(10);
        assertThat(upstream.expireTime())
                .isBefore(before.plus(Duration.ofHours(1)).plusSeconds(5));
        assertThat(upstream.newSessionExpireTime())
                .isBefore(before.plus(Duration.ofMinutes(10)).plusSeconds(5));

        Mints.post(alice, "{\"uses\":50}")
                .statusCode(400)
                .body("field", equalTo("uses"))
                .body("detail", containsString("10"));
        Mints.post(alice, "{\"lifetimeSeconds\":7200}").statusCode(400).body("field", equalTo("lifetimeSeconds"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("policy.maxUses", equalTo(10))
                .body("policy.maxTokenLifetimeSeconds", equalTo(3600));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"claims\":{\"subject\":\"alice\",\"tenant\":\"" + tenant + "\"}}")
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(200)
                .body("token.uses", equalTo(10))
                .body(
                        "decisions.find { it.part == 'policy.maxUses' }.rule",
                        containsString("livetoken.platform.max-uses"));

        // the stored values stay (they are clamped, not rewritten), and a change that leaves them alone is accepted
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(200)
                .body("maxUses", equalTo(50));
        Admin.patchPolicy(Admin.tenantAdmin(tenant), tenant, "\"1\"", "{\"enabled\":false}")
                .statusCode(200);
    }

    @Test
    void aPolicyNamingAModelThePlatformNoLongerAllowsMintsNothing() {
        String tenant = Admin.newTenant("oldmodel");
        TokenPolicy old = Policies.defaults()
                .withTenantId(tenant)
                .withModel("gemini-2.5-pro")
                .withDefaultTargetLanguage("en")
                .build();
        assertThat(store.insert(old, "legacy-import")).isTrue();
        int before = emulator.size();
        Mints.post(TestJwts.bearer("alice", tenant))
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/policy-forbids"))
                .body("field", equalTo("model"))
                .body("detail", containsString("gemini-2.5-pro"));
        assertThat(emulator.size()).isEqualTo(before);
    }
}
