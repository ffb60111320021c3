package dev.livetoken.admin;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.policy.InterpreterPlatformConfig;
import dev.livetoken.policy.PlatformConfig;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.ModelNames;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code GET /admin/v1/platform} shows every {@code livetoken.platform.*} setting with its configured
 * value: the expectations are read from the two {@code @ConfigMapping}s themselves, so a setting added
 * later without its place in the view fails here. Runs with every setting changed from its default
 * (an operator who also trusts tenant-admins with all three interpreter fields), so a view that showed
 * defaults, or one setting in another's place, fails too.
 */
@QuarkusTest
@Tag("store")
@TestProfile(PlatformSettingsViewTest.EverySettingChanged.class)
class PlatformSettingsViewTest {

    static final String OWN_DEFAULT = "Interpret between {first} and {second}; say nothing else.";

    /** Every {@code livetoken.platform.*} setting away from its default; the default policy kept within them. */
    public static class EverySettingChanged implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new TreeMap<>();
            m.put(
                    "livetoken.platform.allowed-models",
                    "gemini-3.5-live-translate-preview,models/Gemini-3.6-Live-Translate-Preview");
            m.put("livetoken.platform.allowed-text-models", "gemini-3.1-flash-lite,gemini-3.1-flash");
            m.put("livetoken.platform.max-uses", "12");
            m.put("livetoken.platform.max-token-lifetime", "PT2H");
            m.put("livetoken.platform.max-new-session-window", "PT15M");
            m.put("livetoken.platform.allow-unlocked", "false");
            m.put("livetoken.platform.max-user-rate-per-minute", "21");
            m.put("livetoken.platform.max-tenant-rate-per-minute", "201");
            m.put("livetoken.platform.max-user-quota-per-day", "401");
            m.put("livetoken.platform.max-tenant-quota-per-day", "4001");
            m.put("livetoken.platform.max-user-session-minutes-per-day", "601");
            m.put("livetoken.platform.max-tenant-session-minutes-per-day", "6001");
            m.put("livetoken.platform.max-live-tokens-per-user", "7");
            m.put("livetoken.platform.max-live-tokens-per-tenant", "71");
            m.put(
                    "livetoken.platform.tenant-admin-fields",
                    "enabled,allowedTargetLanguages,defaultTargetLanguage,interpreterEnabled,interpreterModel,"
                            + "interpreterInstructionTemplate");
            m.put(
                    "livetoken.platform.interpreter.allowed-models",
                    "gemini-3.1-flash-live-preview,models/Gemini-3.2-Flash-Live-Preview");
            m.put("livetoken.platform.interpreter.custom-templates", "true");
            m.put("livetoken.platform.interpreter.max-template-length", "60");
            m.put("livetoken.platform.interpreter.default-template", OWN_DEFAULT);
            // the default policy must stay within the ceilings, or the service does not start
            m.put("livetoken.default-policy.user-rate-per-minute", "10");
            m.put("livetoken.default-policy.user-quota-per-day", "200");
            m.put("livetoken.default-policy.tenant-rate-per-minute", "100");
            m.put("livetoken.default-policy.tenant-quota-per-day", "2000");
            m.put("livetoken.default-policy.user-session-minutes-per-day", "300");
            m.put("livetoken.default-policy.tenant-session-minutes-per-day", "3000");
            m.put("livetoken.default-policy.max-live-tokens-per-user", "3");
            m.put("livetoken.default-policy.max-live-tokens-per-tenant", "30");
            return m;
        }
    }

    @Inject
    PlatformConfig platform;

    @Inject
    InterpreterPlatformConfig interpreter;

    @Test
    void theViewShowsEveryPlatformSettingWithItsConfiguredValue() throws Exception {
        Map<String, Object> view = given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("ops", Admin.newTenant("viewer"), "tenant-admin"))
                .when()
                .get("/admin/v1/platform")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        Map<String, Object> expected = expected(PlatformConfig.class, platform);
        expected.put("interpreter", expected(InterpreterPlatformConfig.class, interpreter));
        assertThat(normalised(view))
                .as("one member per livetoken.platform.* setting, nested as the properties are")
                .isEqualTo(expected);
        // the profile really moved every setting: a view showing the defaults would not pass
        assertThat(expected)
                .containsEntry("maxTokenLifetimeSeconds", 7200L)
                .containsEntry("maxLiveTokensPerTenant", 71L);
        assertThat(expected.get("interpreter"))
                .isEqualTo(Map.of(
                        "allowedModels",
                        List.of("gemini-3.1-flash-live-preview", "gemini-3.2-flash-live-preview"),
                        "customTemplates",
                        true,
                        "maxTemplateLength",
                        60L,
                        "defaultTemplate",
                        OWN_DEFAULT));
    }

    /**
     * An operator that lists the interpreter fields in {@code tenant-admin-fields} trusts its
     * tenant-admins with them, and only within its ceilings: every write beyond one is refused naming
     * the field, whoever sends it.
     */
    @Test
    void aTenantAdminTrustedWithTheInterpreterFieldsStaysWithinEveryCeiling() {
        String tenant = Admin.newTenant("interp-deleg");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = TestJwts.bearer("ops", tenant, "tenant-admin");
        // a refused write stores nothing: every write below still names version 1
        patch(ops, tenant, etag, "{\"interpreterModel\":\"gemini-2.5-pro\"}", 403)
                .body("type", equalTo(PlatformCeilingsApiTest.CEILING))
                .body("field", equalTo("interpreterModel"))
                .body("detail", containsString("platform's ceilings"))
                .body("errors[0].message", containsString("livetoken.platform.interpreter.allowed-models"));
        patch(
                        ops,
                        tenant,
                        etag,
                        "{\"interpreterInstructionTemplate\":\"" + "x".repeat(50) + " {first} {second}\"}",
                        403)
                .body("type", equalTo(PlatformCeilingsApiTest.CEILING))
                .body("field", equalTo("interpreterInstructionTemplate"))
                .body("errors[0].message", containsString("at most 60 characters"));
        patch(ops, tenant, etag, "{\"interpreterInstructionTemplate\":\"Interpret, please.\"}", 400)
                .body("field", equalTo("interpreterInstructionTemplate"))
                .body("errors[0].message", containsString("{first} and {second}"));
        // within the ceilings: the second allowed model, named as the API names it, and a short template
        patch(
                        ops,
                        tenant,
                        etag,
                        "{\"interpreterEnabled\":true,\"interpreterModel\":\"models/gemini-3.2-flash-live-preview\","
                                + "\"interpreterInstructionTemplate\":\"Interpret {first} and {second}.\"}",
                        200)
                .body("interpreterEnabled", equalTo(true))
                .body("interpreterModel", equalTo("models/gemini-3.2-flash-live-preview"))
                .body("interpreterInstructionTemplate", equalTo("Interpret {first} and {second}."));
    }

    private static io.restassured.response.ValidatableResponse patch(
            String bearer, String tenant, String etag, String body, int status) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .header("If-Match", etag)
                .contentType("application/merge-patch+json")
                .body(body)
                .when()
                .patch("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(status);
    }

    /**
     * What the view must show for a mapping: one member per setting, named as the setting (a duration
     * in whole seconds, with {@code Seconds} appended), model lists as compared (no {@code models/},
     * lower case), sets sorted. Sub-mappings (the interpreter's) are left to their own call.
     */
    static Map<String, Object> expected(Class<?> mapping, Object config) throws Exception {
        Map<String, Object> out = new TreeMap<>();
        for (Method m : mapping.getDeclaredMethods()) {
            if (!Modifier.isAbstract(m.getModifiers()) || m.getParameterCount() != 0) {
                continue;
            }
            Object v = m.invoke(config);
            String name = m.getName();
            if (v instanceof Duration d) {
                out.put(name + "Seconds", d.toSeconds());
            } else if (v instanceof Collection<?> c) {
                List<String> items = new ArrayList<>();
                for (Object o : c) {
                    items.add(name.endsWith("Models") ? ModelNames.comparable((String) o) : (String) o);
                }
                out.put(name, v instanceof java.util.Set<?> ? List.copyOf(new TreeSet<>(items)) : items);
            } else if (v instanceof Number n) {
                out.put(name, n.longValue());
            } else {
                out.put(name, v);
            }
        }
        return out;
    }

    /** JSON numbers as longs, so an int and a long setting compare alike. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalised(Map<String, Object> json) {
        Map<String, Object> out = new TreeMap<>();
        json.forEach((k, v) -> out.put(
                k,
                v instanceof Number n
                        ? (Object) n.longValue()
                        : v instanceof Map<?, ?> m ? normalised((Map<String, Object>) m) : v));
        return out;
    }
}
