package dev.livetoken.mint;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.MinuteWindow;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/tokens/renew}: only the token's own user (or a token-broker of its tenant) may renew
 * it, anyone else hears 404 as for an unknown token; the new token carries the old one's language,
 * echo and lock mode unless the policy no longer allows them (403 naming the field); it goes through
 * the mint's admission (rate limit); and the audit trail links the two records.
 */
@QuarkusTest
@Tag("store")
class RenewTest {

    @Inject
    AuditLog audit;

    @Inject
    TokenHasher hasher;

    @Inject
    dev.livetoken.emulator.EmulatorTokenStore emulator;

    String tenant;
    String etag;
    String alice;

    @BeforeEach
    void tenant() {
        tenant = Admin.newTenant("renew");
        etag = Admin.createPolicy(
                tenant,
                "{\"allowedTargetLanguages\":[\"es\",\"de\"],\"defaultTargetLanguage\":\"es\","
                        + "\"echoOverridable\":true}");
        alice = TestJwts.bearer("alice", tenant);
    }

    static JsonPath mint(String bearer, String body) {
        return Mints.post(bearer, body).statusCode(201).extract().jsonPath();
    }

    static io.restassured.response.ValidatableResponse renew(String bearer, String token) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .body("{\"token\":\"" + token + "\"}")
                .when()
                .post("/v1/tokens/renew")
                .then();
    }

    AuditRecord record(String token) {
        List<AuditRecord> r = audit.byTokenHash(hasher.hash(token));
        assertEquals(1, r.size());
        return r.get(0);
    }

    void patchPolicy(String json) {
        etag = Admin.patchPolicy(Admin.PLATFORM, tenant, etag, json)
                .statusCode(200)
                .extract()
                .header("ETag");
    }

    @Test
    void ownTokenIsRenewedWithTheSameConstraintsAndTheAuditLinksParentAndChild() {
        String old = mint(alice, "{\"targetLanguageCode\":\"de\",\"echoTargetLanguage\":true}")
                .getString("token");
        JsonPath fresh = renew(alice, old)
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .body("locked", equalTo(true))
                .body("translationConfig.targetLanguageCode", equalTo("de"))
                .body("translationConfig.echoTargetLanguage", equalTo(true))
                .body("model", equalTo("models/gemini-3.5-live-translate-preview"))
                .extract()
                .jsonPath();
        String token = fresh.getString("token");
        assertNotEquals(old, token);
        AuditRecord parent = record(old);
        AuditRecord child = record(token);
        assertEquals(parent.id(), fresh.getLong("renewedFrom"));
        assertEquals(parent.id(), audit.renewedFrom(child.id()), "the child's record names its parent");
        assertEquals(List.of(child.id()), audit.renewals(parent.id()));
        assertNull(audit.renewedFrom(parent.id()), "a first mint renews nothing");
        assertEquals("alice", child.subject());
        assertEquals("de", child.targetLanguageCode());
        assertEquals(Boolean.TRUE, child.echoTargetLanguage());

        // a renewed token can be renewed again: the chain goes on
        String third = renew(alice, token)
                .statusCode(201)
                .body("renewedFrom", equalTo(child.id().intValue()))
                .extract()
                .path("token");
        assertEquals(child.id(), audit.renewedFrom(record(third).id()));
    }

    static JsonPath converse(String bearer, String body) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/conversations")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /**
     * A pair token is renewed as the same direction of the same conversation: locked to the same
     * language with echo off, under the conversation's rules (both languages still allowed), its
     * record joining the conversation and naming its parent.
     */
    @Test
    void aPairTokenIsRenewedAsTheSameDirectionOfItsConversation() {
        patchPolicy("{\"allowedTargetLanguages\":[\"en\",\"ja\",\"es\"],\"defaultTargetLanguage\":\"en\"}");
        JsonPath conv = converse(alice, "{\"languages\":[\"en\",\"ja\"]}");
        String id = conv.getString("conversationId");
        for (int i = 0; i < 2; i++) {
            String old = conv.getString("tokens[" + i + "].token");
            String target = i == 0 ? "ja" : "en";
            JsonPath fresh = renew(alice, old)
                    .statusCode(201)
                    .body("locked", equalTo(true))
                    .body("translationConfig.targetLanguageCode", equalTo(target))
                    .body("translationConfig.echoTargetLanguage", equalTo(false))
                    .body("model", equalTo("models/gemini-3.5-live-translate-preview"))
                    .extract()
                    .jsonPath();
            AuditRecord parent = record(old);
            AuditRecord child = record(fresh.getString("token"));
            assertEquals(parent.id(), fresh.getLong("renewedFrom"));
            assertEquals(parent.id(), audit.renewedFrom(child.id()));
            assertEquals(target, child.targetLanguageCode());
            assertEquals(Boolean.FALSE, child.echoTargetLanguage());
            assertEquals(id, audit.conversationOf(child.id()).conversationId(), "the renewal joins the conversation");
            assertEquals(List.of("en", "ja"), audit.conversationOf(child.id()).languages());
        }
        assertEquals(4, audit.byConversation(tenant, id).size());
        // the conversation's own rule holds on renewal: both of its languages must still be allowed
        patchPolicy("{\"allowedTargetLanguages\":[\"ja\",\"es\"],\"defaultTargetLanguage\":\"ja\"}");
        renew(alice, conv.getString("tokens[0].token"))
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/language-not-allowed"))
                .body("field", equalTo("languages[0]"));
    }

    /**
     * An interpreter token (which names no target language) is renewed as an interpreter token for
     * the same two languages: the same dialogue model, the instruction built again for the pair, tools
     * locked; refused once the policy no longer enables interpreter mode.
     */
    @Test
    void anInterpreterTokenIsRenewedForTheSameTwoLanguagesWhileThePolicyEnablesIt() {
        patchPolicy("{\"allowedTargetLanguages\":[\"en\",\"ja\"],\"defaultTargetLanguage\":\"en\","
                + "\"interpreterEnabled\":true}");
        JsonPath conv = converse(alice, "{\"languages\":[\"ja\",\"en\"],\"mode\":\"interpreter\"}");
        String old = conv.getString("tokens[0].token");
        String fresh = renew(alice, old)
                .statusCode(201)
                .body("locked", equalTo(true))
                .body("translationConfig", nullValue())
                .body("model", equalTo("models/gemini-3.1-flash-live-preview"))
                .extract()
                .path("token");
        var parentToken = emulator.find(old).orElseThrow();
        var childToken = emulator.find(fresh).orElseThrow();
        assertEquals(parentToken.setup(), childToken.setup(), "the same model, instruction and transcriptions");
        assertEquals(parentToken.fieldMask(), childToken.fieldMask(), "tools still locked empty");
        assertTrue(childToken
                .setup()
                .at("/systemInstruction/parts/0/text")
                .asText()
                .contains("Interpret Japanese into English and English into Japanese"));
        AuditRecord child = record(fresh);
        assertEquals(record(old).id(), audit.renewedFrom(child.id()));
        assertEquals(
                conv.getString("conversationId"),
                audit.conversationOf(child.id()).conversationId());
        assertNull(child.targetLanguageCode());

        patchPolicy("{\"interpreterEnabled\":false}");
        renew(alice, fresh)
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/policy-forbids"))
                .body("field", equalTo("mode"));
    }

    @Test
    void nobodyElseMayRenewAndTheAnswerNeverSaysWhoseItIs() {
        String old = mint(alice, "{}").getString("token");
        String otherTenant = Admin.newTenant("renew-other");
        Admin.createPolicy(otherTenant, "{}");
        String unknown = renew(alice, "auth_tokens/never-minted-here")
                .statusCode(404)
                .body("type", equalTo("https://livetoken.dev/problems/not-found"))
                .body("field", equalTo("token"))
                .extract()
                .path("detail");
        for (String stranger : List.of(
                TestJwts.bearer("bob", tenant),
                TestJwts.bearer("alice", otherTenant),
                TestJwts.bearer("broker", otherTenant, "token-broker"),
                TestJwts.bearer("admin", tenant, "tenant-admin"))) {
            String answer = renew(stranger, old)
                    .statusCode(404)
                    .body("detail", equalTo(unknown))
                    .extract()
                    .asString();
            assertFalse(answer.contains("alice") || answer.contains(old), answer);
        }
    }

    @Test
    void aTokenBrokerRenewsForAUserOfItsTenant() {
        String broker = TestJwts.bearer("app-backend", tenant, "token-broker");
        String old = mint(broker, "{\"onBehalfOf\":\"carol\",\"targetLanguageCode\":\"de\"}")
                .getString("token");
        String fresh = renew(broker, old)
                .statusCode(201)
                .body("translationConfig.targetLanguageCode", equalTo("de"))
                .extract()
                .path("token");
        AuditRecord child = record(fresh);
        assertEquals("carol", child.subject(), "limits and audit still apply to the user");
        assertEquals("app-backend", child.actor());
        // and the user may renew her own token that the broker minted
        renew(TestJwts.bearer("carol", tenant), fresh).statusCode(201);
    }

    @Test
    void anUnlockedTokenStaysUnlockedAndIsRefusedOnceThePolicyLocksTheLanguage() {
        patchPolicy("{\"lockMode\":\"UNLOCKED\"}");
        String old = mint(alice, "{}").getString("token");
        String fresh = renew(alice, old)
                .statusCode(201)
                .body("locked", equalTo(false))
                .body("translationConfig", nullValue())
                .extract()
                .path("token");
        patchPolicy("{\"lockMode\":\"LOCKED\"}");
        renew(alice, fresh)
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/policy-forbids"))
                .body("field", equalTo("lockMode"));
    }

    @Test
    void aLanguageThePolicyNoLongerAllowsIsRefusedNamingTheField() {
        String old = mint(alice, "{\"targetLanguageCode\":\"de\"}").getString("token");
        patchPolicy("{\"allowedTargetLanguages\":[\"es\"]}");
        renew(alice, old)
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/language-not-allowed"))
                .body("field", equalTo("targetLanguageCode"));
    }

    @Test
    void anEchoThePolicyNoLongerLetsCallersChooseIsRefusedNamingTheField() {
        String old = mint(alice, "{\"echoTargetLanguage\":true}").getString("token");
        patchPolicy("{\"echoOverridable\":false,\"echoTargetLanguage\":false}");
        renew(alice, old).statusCode(403).body("field", equalTo("echoTargetLanguage"));
    }

    @Test
    void renewalsGoThroughTheMintsAdmission() {
        patchPolicy("{\"userRatePerMinute\":2}");
        MinuteWindow.atLeastTenSecondsLeft();
        String old = mint(alice, "{}").getString("token");
        renew(alice, old).statusCode(201);
        renew(alice, old).statusCode(429).body("type", equalTo("https://livetoken.dev/problems/rate-limited"));
    }

    @Test
    void aBadBodyIsRefusedNamingTheToken() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", alice)
                .contentType("application/json")
                .body("{\"token\":\"not-a-token\"}")
                .when()
                .post("/v1/tokens/renew")
                .then()
                .statusCode(400)
                .body("field", equalTo("token"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", alice)
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens/renew")
                .then()
                .statusCode(400)
                .body("field", equalTo("token"));
        given().filter(Contract.RESPONSE_ONLY)
                .contentType("application/json")
                .body("{\"token\":\"auth_tokens/x\"}")
                .when()
                .post("/v1/tokens/renew")
                .then()
                .statusCode(401);
    }
}
