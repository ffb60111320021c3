package dev.livetoken.admin;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.policy.LockMode;
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
import static org.hamcrest.Matchers.hasItems;

/**
 * Issue 8 item 5, the "minimum limits": an operator who sets rate and quota ceilings gets policies
 * with real limits (0, "no limit", is above any ceiling), UNLOCKED stays off as by default, and the
 * operator decides which fields a tenant-admin may change at all.
 */
@QuarkusTest
@Tag("store")
@TestProfile(PlatformLimitCeilingsTest.Ceilings.class)
class PlatformLimitCeilingsTest {

    /** An operator with limits, UNLOCKED off (the production default) and tenant-admins trusted with more fields. */
    public static class Ceilings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("livetoken.platform.allow-unlocked", "false"),
                    Map.entry("livetoken.platform.max-user-rate-per-minute", "30"),
                    Map.entry("livetoken.platform.max-user-quota-per-day", "500"),
                    Map.entry("livetoken.platform.max-tenant-quota-per-day", "10000"),
                    Map.entry("livetoken.platform.max-user-characters-per-day", "200000"),
                    Map.entry("livetoken.platform.max-tenant-characters-per-day", "2000000"),
                    Map.entry(
                            "livetoken.platform.tenant-admin-fields",
                            "enabled,lockMode,userRatePerMinute,userQuotaPerDay,userCharactersPerDay,"
                                    + "tenantQuotaPerDay,allowedTargetLanguages,defaultTargetLanguage"),
                    // the defaults must themselves stay within the ceilings, or the service does not start
                    Map.entry("livetoken.default-policy.user-rate-per-minute", "10"),
                    Map.entry("livetoken.default-policy.user-quota-per-day", "200"),
                    Map.entry("livetoken.default-policy.tenant-quota-per-day", "5000"),
                    Map.entry("livetoken.default-policy.tenant-characters-per-day", "1000000"));
        }
    }

    static final String CEILING = "https://livetoken.dev/problems/platform-ceiling";

    @Inject
    PolicyStore store;

    @Test
    void theCeilingsAreReadable() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/platform")
                .then()
                .statusCode(200)
                .body("allowUnlocked", equalTo(false))
                .body("maxUserRatePerMinute", equalTo(30))
                .body("maxUserQuotaPerDay", equalTo(500))
                .body("maxTenantRatePerMinute", equalTo(0))
                .body("maxTenantQuotaPerDay", equalTo(10000))
                .body("maxUserCharactersPerDay", equalTo(200000))
                .body("maxTenantCharactersPerDay", equalTo(2000000))
                .body("tenantAdminFields", hasItems("lockMode", "tenantQuotaPerDay"));
    }

    @Test
    void noLimitOrAboveTheCeilingIsRefusedNamingEachFieldAndItsCeiling() {
        String tenant = Admin.newTenant("limits");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .header("If-Match", etag)
                .contentType("application/merge-patch+json")
                .body(
                        "{\"userRatePerMinute\":0,\"userQuotaPerDay\":501,\"tenantQuotaPerDay\":0,\"lockMode\":\"UNLOCKED\"}")
                .when()
                .patch("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("errors.field", hasItems("userRatePerMinute", "userQuotaPerDay", "tenantQuotaPerDay", "lockMode"))
                .body("errors.find { it.field == 'userRatePerMinute' }.message", containsString("between 1 and 30"))
                .body("errors.find { it.field == 'userQuotaPerDay' }.message", containsString("500"))
                .body("errors.find { it.field == 'tenantQuotaPerDay' }.message", containsString("10000"))
                .body(
                        "errors.find { it.field == 'lockMode' }.message",
                        containsString("livetoken.platform.allow-unlocked"));
        // the platform-admin is held to the same ceilings
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"userQuotaPerDay\":0}")
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("field", equalTo("userQuotaPerDay"));
        // within them, the tenant-admin sets the fields the operator gave it
        Admin.patchPolicy(
                        ops,
                        tenant,
                        etag,
                        "{\"userRatePerMinute\":30,\"userQuotaPerDay\":500,\"tenantQuotaPerDay\":10000}")
                .statusCode(200)
                .body("tenantQuotaPerDay", equalTo(10000));
        // ...and only those: maxUses is not among them here
        Admin.patchPolicy(ops, tenant, "\"2\"", "{\"maxUses\":5}")
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/platform-reserved"))
                .body("field", equalTo("maxUses"));
    }

    @Test
    void anUnlimitedStoredPolicyMintsUnderTheCeilingAndLocked() {
        String tenant = Admin.newTenant("unlimited");
        TokenPolicy old = Policies.defaults()
                .withTenantId(tenant)
                .withLockMode(LockMode.UNLOCKED)
                .withAllowedTargetLanguages(Set.of("fr"))
                .withDefaultTargetLanguage("fr")
                .build();
        assertThat(store.insert(old, "legacy-import")).isTrue();
        String alice = TestJwts.bearer("alice", tenant);
        Mints.post(alice)
                .statusCode(201)
                .body("locked", equalTo(true))
                .body("translationConfig.targetLanguageCode", equalTo("fr"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("policy.lockMode", equalTo("LOCKED"))
                .body("limits.find { it.scope == 'user-rate' }.limit", equalTo(30))
                .body("limits.find { it.scope == 'user-quota' }.limit", equalTo(500))
                .body("limits.find { it.scope == 'tenant-quota' }.limit", equalTo(10000))
                .body("limits.find { it.scope == 'user-quota' }.remaining", equalTo(499))
                .body("policy.userCharactersPerDay", equalTo(200000))
                .body("policy.tenantCharactersPerDay", equalTo(2000000));
    }

    /**
     * Text translations are paid on the operator's key: a tenant-admin trusted with its users'
     * character limit still cannot lift it ("no limit") or raise it past the platform's ceiling.
     */
    @Test
    void aTenantAdminCannotLiftTheCharacterLimitsPastTheCeiling() {
        String tenant = Admin.newTenant("chars");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        for (String body : new String[] {"{\"userCharactersPerDay\":0}", "{\"userCharactersPerDay\":200001}"}) {
            Admin.patchPolicy(ops, tenant, etag, body)
                    .statusCode(403)
                    .body("type", equalTo(CEILING))
                    .body("field", equalTo("userCharactersPerDay"))
                    .body(
                            "errors.find { it.field == 'userCharactersPerDay' }.message",
                            containsString("livetoken.platform.max-user-characters-per-day"));
        }
        // the platform-admin is held to the tenant-wide one too
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"tenantCharactersPerDay\":0}")
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("field", equalTo("tenantCharactersPerDay"));
        Admin.patchPolicy(ops, tenant, etag, "{\"userCharactersPerDay\":150000}")
                .statusCode(200)
                .body("userCharactersPerDay", equalTo(150000));
    }
}
