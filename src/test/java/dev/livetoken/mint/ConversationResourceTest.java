package dev.livetoken.mint;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.emulator.EmulatedToken;
import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.MintedName;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;
import dev.livetoken.upstream.UpstreamMetrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** {@code POST /v1/conversations} against the emulator (docs/conversations.md), validated against openapi.yaml. */
@QuarkusTest
@Tag("store")
class ConversationResourceTest {

    @Inject
    EmulatorTokenStore emulator;

    @Inject
    AuditLog audit;

    @Inject
    TokenHasher hasher;

    @Inject
    Vertx vertx;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    UpstreamMetrics metrics;

    static ExtractableResponse<Response> converse(String tenant, String body, int status) {
        // malformed requests on purpose: only the answer is held to the contract
        return given().filter(status == 400 ? Contract.RESPONSE_ONLY : Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", tenant))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/conversations")
                .then()
                .statusCode(status)
                .extract();
    }

    static String usedToday(String tenant, String subject) {
        return given().header("Authorization", Admin.PLATFORM)
                .queryParam("subject", subject)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .extract()
                .path("limits.find { it.scope == 'user-quota' }.used")
                .toString();
    }

    @Test
    void pairModeMintsTwoTokensLockedToEachOthersLanguageWithEchoOff() {
        String tenant = Admin.newTenant("pair");
        Admin.createPolicy(tenant, "{\"echoTargetLanguage\":true,\"echoOverridable\":true}");
        var r = converse(tenant, "{\"languages\":[\"en\",\"JA\"]}", 201);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.<String>path("mode")).isEqualTo("pair");
        String conversationId = r.path("conversationId");
        List<String> tokens = r.path("tokens.token");
        assertThat(tokens).hasSize(2).doesNotHaveDuplicates();
        assertThat(r.<List<String>>path("tokens.translationConfig.targetLanguageCode"))
                .containsExactly("ja", "en");
        assertThat(r.<List<Boolean>>path("tokens.translationConfig.echoTargetLanguage"))
                .containsExactly(false, false);
        assertThat(r.<List<Boolean>>path("tokens.locked")).containsExactly(true, true);

        EmulatedToken first = emulator.find(tokens.get(0)).orElseThrow();
        assertThat(first.setup()
                        .at("/generationConfig/translationConfig/targetLanguageCode")
                        .asText())
                .isEqualTo("ja");
        assertThat(first.setup()
                        .at("/generationConfig/translationConfig/echoTargetLanguage")
                        .asBoolean())
                .isFalse();
        EmulatedToken second = emulator.find(tokens.get(1)).orElseThrow();
        assertThat(second.setup()
                        .at("/generationConfig/translationConfig/targetLanguageCode")
                        .asText())
                .isEqualTo("en");

        List<AuditRecord> records = audit.byConversation(tenant, conversationId);
        assertThat(records)
                .extracting(AuditRecord::tokenHash)
                .containsExactly(hasher.hash(tokens.get(0)), hasher.hash(tokens.get(1)));
        assertThat(records).extracting(AuditRecord::targetLanguageCode).containsExactly("ja", "en");
        assertThat(records).extracting(AuditRecord::delivery).containsOnly(AuditRecord.RETURNED);
        assertThat(usedToday(tenant, "alice")).isEqualTo("2");
    }

    @Test
    void pairModeLocksTheLanguagesEvenUnderAnUnlockedPolicy() {
        String tenant = Admin.newTenant("pairunl");
        Admin.createPolicy(tenant, "{\"lockMode\":\"UNLOCKED\"}");
        var r = converse(tenant, "{\"languages\":[\"de\",\"fr\"],\"mode\":\"pair\"}", 201);
        assertThat(r.<List<String>>path("tokens.translationConfig.targetLanguageCode"))
                .containsExactly("fr", "de");
    }

    @Test
    void aLanguageOutsideThePolicyIs403NamingIt() {
        String tenant = Admin.newTenant("pairlang");
        Admin.createPolicy(tenant, "{\"allowedTargetLanguages\":[\"en\",\"es\"]}");
        var r = converse(tenant, "{\"languages\":[\"en\",\"ja\"]}", 403);
        assertThat(r.<String>path("type")).isEqualTo("https://livetoken.dev/problems/language-not-allowed");
        assertThat(r.<String>path("detail")).contains("'ja'");
        assertThat(r.<String>path("field")).isEqualTo("languages[1]");
        assertThat(usedToday(tenant, "alice")).isEqualTo("0");
    }

    @Test
    void badShapesAre400NamingTheField() {
        String tenant = Admin.newTenant("pairbad");
        assertThat(converse(tenant, "{\"languages\":[\"en\"]}", 400).<String>path("field"))
                .isEqualTo("languages");
        assertThat(converse(tenant, "{\"languages\":[\"en\",\"en-US\",\"ja\"]}", 400)
                        .<String>path("field"))
                .isEqualTo("languages");
        assertThat(converse(tenant, "{\"languages\":[\"en\",\"EN\"]}", 400).<String>path("field"))
                .isEqualTo("languages[1]");
        assertThat(converse(tenant, "{\"languages\":[\"en\",\"xx-nope\"]}", 400).<String>path("field"))
                .isEqualTo("languages[1]");
        assertThat(converse(tenant, "{\"languages\":[\"en\",\"ja\"],\"mode\":\"trio\"}", 400)
                        .<String>path("field"))
                .isEqualTo("mode");
    }

    @Test
    void interpreterModeMintsOneDialogueTokenLockedToTheInstructionAndNoTools() {
        String tenant = Admin.newTenant("interp");
        Admin.createPolicy(tenant, "{\"interpreterEnabled\":true}");
        var r = converse(tenant, "{\"languages\":[\"en\",\"ja\"],\"mode\":\"interpreter\"}", 201);
        assertThat(r.<String>path("mode")).isEqualTo("interpreter");
        assertThat(r.<List<String>>path("tokens.token")).hasSize(1);
        assertThat(r.<String>path("tokens[0].model")).isEqualTo("models/gemini-3.1-flash-live-preview");
        assertThat(r.<Boolean>path("tokens[0].locked")).isTrue();
        assertThat(r.<Object>path("tokens[0].translationConfig")).isNull();

        EmulatedToken t = emulator.find(r.path("tokens[0].token")).orElseThrow();
        assertThat(t.setup().path("model").asText()).isEqualTo("models/gemini-3.1-flash-live-preview");
        assertThat(t.setup().at("/generationConfig/responseModalities/0").asText())
                .isEqualTo("AUDIO");
        assertThat(t.setup().at("/generationConfig/translationConfig").isMissingNode())
                .isTrue();
        assertThat(t.setup().has("inputAudioTranscription")).isTrue();
        assertThat(t.setup().has("outputAudioTranscription")).isTrue();
        assertThat(t.setup().at("/systemInstruction/parts/0/text").asText())
                .startsWith("You are a simultaneous interpreter.")
                .contains("Interpret English into Japanese and Japanese into English")
                .endsWith("translate only what was said.");
        assertThat(t.fieldMask())
                .containsExactly(
                        "model",
                        "generationConfig.responseModalities",
                        "systemInstruction.parts",
                        "systemInstruction.role",
                        "inputAudioTranscription",
                        "outputAudioTranscription",
                        "tools");
        List<AuditRecord> records = audit.byConversation(tenant, r.path("conversationId"));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).model()).isEqualTo("gemini-3.1-flash-live-preview");
        assertThat(records.get(0).locked()).isTrue();
    }

    @Test
    void aTenantTemplateWithinTheCeilingsIsUsed() {
        String tenant = Admin.newTenant("interptpl");
        Admin.createPolicy(
                tenant,
                "{\"interpreterEnabled\":true,\"interpreterInstructionTemplate\":"
                        + "\"Clinic interpreter: {first} <-> {second}. Translate only.\"}");
        var r = converse(tenant, "{\"languages\":[\"es\",\"en\"],\"mode\":\"interpreter\"}", 201);
        EmulatedToken t = emulator.find(r.path("tokens[0].token")).orElseThrow();
        assertThat(t.setup().at("/systemInstruction/parts/0/text").asText())
                .isEqualTo("Clinic interpreter: Spanish <-> English. Translate only.");
    }

    @Test
    void interpreterModeNeedsThePolicyToEnableIt() {
        String tenant = Admin.newTenant("interpoff");
        Admin.createPolicy(tenant, "{}");
        var r = converse(tenant, "{\"languages\":[\"en\",\"ja\"],\"mode\":\"interpreter\"}", 403);
        assertThat(r.<String>path("type")).isEqualTo("https://livetoken.dev/problems/policy-forbids");
        assertThat(r.<String>path("field")).isEqualTo("mode");
        assertThat(usedToday(tenant, "alice")).isEqualTo("0");
    }

    /**
     * The default {@code tenant-admin-fields} lets a tenant-admin switch interpreter conversations on
     * for its tenant, and nothing more: the model and the instruction its users get stay the
     * platform's (docs/conversations.md, "Who sets the interpreter fields").
     */
    @Test
    void aTenantAdminMaySwitchInterpreterModeOnButNotChooseItsModelOrInstruction() {
        String tenant = Admin.newTenant("interpta");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = TestJwts.bearer("ops", tenant, "tenant-admin");
        for (String[] write : new String[][] {
            {"{\"interpreterEnabled\":true,\"interpreterModel\":\"gemini-2.0-flash-live-001\"}", "interpreterModel"},
            {
                "{\"interpreterEnabled\":true,\"interpreterInstructionTemplate\":\"Chat about {first} and {second}.\"}",
                "interpreterInstructionTemplate"
            }
        }) {
            given().filter(Contract.VALIDATED)
                    .header("Authorization", ops)
                    .header("If-Match", etag)
                    .contentType("application/merge-patch+json")
                    .body(write[0])
                    .when()
                    .patch("/admin/v1/tenants/" + tenant + "/policy")
                    .then()
                    .statusCode(403)
                    .body("type", equalTo("https://livetoken.dev/problems/platform-reserved"))
                    .body("errors.field", org.hamcrest.Matchers.hasItem(write[1]))
                    .body("errors.field", not(org.hamcrest.Matchers.hasItem("interpreterEnabled")));
        }
        converse(tenant, "{\"languages\":[\"en\",\"ja\"],\"mode\":\"interpreter\"}", 403);
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .header("If-Match", etag)
                .contentType("application/merge-patch+json")
                .body("{\"interpreterEnabled\":true}")
                .when()
                .patch("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(200)
                .body("interpreterEnabled", equalTo(true))
                .body("interpreterModel", equalTo("gemini-3.1-flash-live-preview"));
        var r = converse(tenant, "{\"languages\":[\"en\",\"ja\"],\"mode\":\"interpreter\"}", 201);
        EmulatedToken t = emulator.find(r.path("tokens[0].token")).orElseThrow();
        assertThat(t.setup().path("model").asText()).isEqualTo("models/gemini-3.1-flash-live-preview");
        assertThat(t.setup().at("/systemInstruction/parts/0/text").asText())
                .startsWith("You are a simultaneous interpreter.");
    }

    @Test
    void anInterpreterModelOffThePlatformAllowListIsRefusedAtWrite() {
        String tenant = Admin.newTenant("interpmodel");
        Admin.putPolicy(
                        Admin.PLATFORM,
                        tenant,
                        "{\"interpreterEnabled\":true,\"interpreterModel\":\"gemini-2.0-flash-live-001\"}")
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/platform-ceiling"))
                .body("errors[0].field", equalTo("interpreterModel"));
        Admin.putPolicy(Admin.PLATFORM, tenant, "{\"interpreterInstructionTemplate\":\"no placeholders\"}")
                .statusCode(400)
                .body("errors[0].field", equalTo("interpreterInstructionTemplate"));
    }

    @Test
    void whenTheQuotaHasRoomForOnlyOneTokenNeitherIsMinted() {
        String tenant = Admin.newTenant("pairquota");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":3}");
        converse(tenant, "{\"languages\":[\"en\",\"ja\"]}", 201);
        assertThat(usedToday(tenant, "alice")).isEqualTo("2");
        int before = emulator.size();
        var r = converse(tenant, "{\"languages\":[\"en\",\"ja\"]}", 429);
        assertThat(r.<String>path("type")).isEqualTo("https://livetoken.dev/problems/quota-exceeded");
        // the first token's reservation was given back: the counter is where it was, no token exists
        assertThat(usedToday(tenant, "alice")).isEqualTo("2");
        assertThat(emulator.size()).isEqualTo(before);
        assertThat(audit.count(tenant)).isEqualTo(2);
    }

    @Test
    void whenTheSecondTokenCannotBeMintedTheFirstIsRecordedDiscardedAndEverythingGivenBack() {
        String tenant = Admin.newTenant("pairup");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":5}");
        UpstreamFacade real = new UpstreamFacade(vertx, upstreamConfig, metrics);
        AtomicInteger calls = new AtomicInteger();
        List<String> minted = new java.util.concurrent.CopyOnWriteArrayList<>();
        QuarkusMock.installMockForType(
                new UpstreamFacade(null, null, null) {
                    @Override
                    public Uni<MintedName> create(AuthTokenSpec spec) {
                        if (calls.incrementAndGet() == 1) {
                            return real.create(spec).invoke(m -> minted.add(m.name()));
                        }
                        return Uni.createFrom().failure(ProblemException.of(ProblemType.UPSTREAM_UNAVAILABLE, "down"));
                    }

                    @Override
                    public String websocketUrl() {
                        return real.websocketUrl();
                    }

                    @Override
                    public String fieldMask(AuthTokenSpec spec) {
                        return real.fieldMask(spec);
                    }
                },
                UpstreamFacade.class);
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", tenant))
                .contentType("application/json")
                .body("{\"languages\":[\"en\",\"ja\"]}")
                .when()
                .post("/v1/conversations")
                .then()
                .statusCode(503)
                .body("type", equalTo("https://livetoken.dev/problems/upstream-unavailable"))
                .body(not(containsString("auth_tokens/")));
        assertThat(calls).hasValue(2);
        assertThat(minted).hasSize(1);
        assertThat(usedToday(tenant, "alice")).isEqualTo("0");
        List<AuditRecord> records = audit.byTokenHash(hasher.hash(minted.get(0)));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).delivery()).isEqualTo(AuditRecord.DISCARDED);
        assertThat(records.get(0).targetLanguageCode()).isEqualTo("ja");
        assertThat(audit.count(tenant)).isEqualTo(1);
    }
}
