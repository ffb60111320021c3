package dev.livetoken.mint;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.livetoken.auth.Caller;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.LockMode;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.support.Policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MintPlannerTest {

    static final Instant NOW = Instant.parse("2026-11-21T10:00:00.123456Z");
    static final Caller ALICE = new Caller("alice", "acme", Set.of());
    static final Caller BROKER = new Caller("backend", "acme", Set.of(Caller.TOKEN_BROKER));
    final MintPlanner planner = new MintPlanner(new LanguageCatalog());

    static TokenPolicy policy(LockMode mode, Set<String> allowed, boolean echoOverridable) {
        return Policies.defaults()
                .withLockMode(mode)
                .withAllowedTargetLanguages(allowed)
                .withDefaultTargetLanguage("de")
                .withEchoOverridable(echoOverridable)
                .withUses(1, 3)
                .withNewSessionWindow(Duration.ofMinutes(1), Duration.ofMinutes(5))
                .withVersion(7)
                .build();
    }

    private ProblemType refusal(TokenPolicy p, MintRequest r, Caller c) {
        try {
            planner.plan(c, p, r, NOW);
        } catch (ProblemException e) {
            return e.type();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void lockedDefaultsToTenantLanguageAndPolicyTimes() {
        MintPlan plan = planner.plan(ALICE, policy(LockMode.LOCKED, Set.of(), true), MintRequest.EMPTY, NOW);
        assertThat(plan.locked()).isTrue();
        assertThat(plan.translation().targetLanguageCode()).isEqualTo("de");
        assertThat(plan.translation().echoTargetLanguage()).isFalse();
        assertThat(plan.uses()).isEqualTo(1);
        assertThat(plan.serverTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123Z"));
        assertThat(plan.expireTime()).isEqualTo(plan.serverTime().plus(Duration.ofMinutes(30)));
        assertThat(plan.newSessionExpireTime()).isEqualTo(plan.serverTime().plus(Duration.ofMinutes(1)));
        assertThat(plan.subject()).isEqualTo("alice");
        assertThat(plan.policyVersion()).isEqualTo(7);
    }

    @Test
    void requestedLanguageIsNormalisedAndLocked() {
        MintPlan plan = planner.plan(
                ALICE,
                policy(LockMode.LOCKED, Set.of("pt-BR"), true),
                new MintRequest("PT_br", true, 3, null, null, null),
                NOW);
        assertThat(plan.translation().targetLanguageCode()).isEqualTo("pt-BR");
        assertThat(plan.translation().echoTargetLanguage()).isTrue();
        assertThat(plan.uses()).isEqualTo(3);
    }

    @Test
    void languageOutsideAllowListIsRefusedWithTheAllowedOnes() {
        TokenPolicy p = policy(LockMode.LOCKED, Set.of("de", "fr"), true);
        assertThatThrownBy(() -> planner.plan(ALICE, p, new MintRequest("es", null, null, null, null, null), NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.type()).isEqualTo(ProblemType.LANGUAGE_NOT_ALLOWED);
                    assertThat(e.field()).isEqualTo("targetLanguageCode");
                    assertThat(e.suggestions()).containsExactly("de", "fr");
                });
    }

    @Test
    void unknownLanguageIs400() {
        assertThat(refusal(
                        policy(LockMode.LOCKED, Set.of(), true),
                        new MintRequest("klingon", null, null, null, null, null),
                        ALICE))
                .isEqualTo(ProblemType.UNKNOWN_LANGUAGE);
    }

    @Test
    void unlockedWithoutLanguageLeavesTheChoiceToTheDevice() {
        MintPlan plan = planner.plan(ALICE, policy(LockMode.UNLOCKED, Set.of(), true), MintRequest.EMPTY, NOW);
        assertThat(plan.locked()).isFalse();
        assertThat(plan.translation()).isNull();
    }

    @Test
    void unlockedWithLanguageLocksIt() {
        MintPlan plan = planner.plan(
                ALICE,
                policy(LockMode.UNLOCKED, Set.of(), true),
                new MintRequest("fr", null, null, null, null, null),
                NOW);
        assertThat(plan.locked()).isTrue();
        assertThat(plan.translation().targetLanguageCode()).isEqualTo("fr");
    }

    @Test
    void echoOverrideRefusedWhenPolicyFixesIt() {
        assertThat(refusal(
                        policy(LockMode.LOCKED, Set.of(), false),
                        new MintRequest(null, true, null, null, null, null),
                        ALICE))
                .isEqualTo(ProblemType.POLICY_FORBIDS);
        // Asking for what the policy says anyway is fine.
        assertThat(planner.plan(
                                ALICE,
                                policy(LockMode.LOCKED, Set.of(), false),
                                new MintRequest(null, false, null, null, null, null),
                                NOW)
                        .locked())
                .isTrue();
    }

    @Test
    void usesOutsidePolicyRangeIs400() {
        TokenPolicy p = policy(LockMode.LOCKED, Set.of(), true);
        assertThat(refusal(p, new MintRequest(null, null, 0, null, null, null), ALICE))
                .isEqualTo(ProblemType.INVALID_REQUEST);
        assertThat(refusal(p, new MintRequest(null, null, 4, null, null, null), ALICE))
                .isEqualTo(ProblemType.INVALID_REQUEST);
    }

    @Test
    void onlyBrokersMayMintOnBehalfOfOthers() {
        TokenPolicy p = policy(LockMode.LOCKED, Set.of(), true);
        assertThat(refusal(p, new MintRequest(null, null, null, "bob", null, null), ALICE))
                .isEqualTo(ProblemType.FORBIDDEN);
        assertThat(planner.plan(BROKER, p, new MintRequest(null, null, null, "bob", null, null), NOW)
                        .subject())
                .isEqualTo("bob");
        assertThat(refusal(p, new MintRequest(null, null, null, "bad\nname", null, null), BROKER))
                .isEqualTo(ProblemType.INVALID_REQUEST);
    }

    @Test
    void disabledPolicyRefusesEverything() {
        TokenPolicy p = Policies.defaults()
                .withEnabled(false)
                .withModel("m")
                .withDefaultTargetLanguage("de")
                .withUses(1, 1)
                .withTokenLifetime(Duration.ofMinutes(30), Duration.ofMinutes(30))
                .withNewSessionWindow(Duration.ofMinutes(1), Duration.ofMinutes(1))
                .build();
        assertThat(refusal(p, MintRequest.EMPTY, ALICE)).isEqualTo(ProblemType.POLICY_FORBIDS);
    }

    @Test
    void lifetimesComeFromTheRequestWithinPolicyMaximums() {
        MintPlan plan = planner.plan(
                ALICE,
                policy(LockMode.LOCKED, Set.of(), true),
                new MintRequest(null, null, null, null, 3600L, 120L),
                NOW);
        assertThat(plan.expireTime()).isEqualTo(plan.serverTime().plusSeconds(3600));
        assertThat(plan.newSessionExpireTime()).isEqualTo(plan.serverTime().plusSeconds(120));
        assertThat(refusal(
                        policy(LockMode.LOCKED, Set.of(), true),
                        new MintRequest(null, null, null, null, 3601L, null),
                        ALICE))
                .isEqualTo(ProblemType.INVALID_REQUEST);
        assertThat(refusal(
                        policy(LockMode.LOCKED, Set.of(), true),
                        new MintRequest(null, null, null, null, null, 301L),
                        ALICE))
                .isEqualTo(ProblemType.INVALID_REQUEST);
    }

    @Test
    void blockedUserOrTenantIsRefused() {
        var p = policy(LockMode.LOCKED, Set.of(), true);
        assertThatThrownBy(() -> planner.plan(
                        ALICE,
                        new dev.livetoken.policy.EffectivePolicy(p, "tenant", Set.of("alice")),
                        MintRequest.EMPTY,
                        NOW))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.BLOCKED));
        assertThatThrownBy(() -> planner.plan(
                        ALICE,
                        new dev.livetoken.policy.EffectivePolicy(p, "tenant", Set.of("*")),
                        MintRequest.EMPTY,
                        NOW))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.BLOCKED));
        // A broker minting for a blocked user is refused too: the block follows the user.
        assertThatThrownBy(() -> planner.plan(
                        BROKER,
                        new dev.livetoken.policy.EffectivePolicy(p, "tenant", Set.of("bob")),
                        new MintRequest(null, null, null, "bob", null, null),
                        NOW))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void decisionsNameTheRuleOfEachPart() {
        MintPlan plan = planner.plan(
                ALICE,
                policy(LockMode.LOCKED, Set.of("fr", "de"), true),
                new MintRequest("fr", null, null, null, null, null),
                NOW);
        assertThat(plan.decisions())
                .extracting(MintPlan.Decision::part)
                .contains(
                        "policy",
                        "subject",
                        "model",
                        "targetLanguageCode",
                        "echoTargetLanguage",
                        "uses",
                        "lifetimeSeconds",
                        "newSessionWindowSeconds");
        assertThat(plan.decisions())
                .filteredOn(d -> d.part().equals("targetLanguageCode"))
                .singleElement()
                .satisfies(d -> assertThat(d.rule()).contains("allowedTargetLanguages"));
    }

    @Test
    void newSessionWindowNeverOutlivesTheToken() {
        TokenPolicy p = policy(LockMode.LOCKED, Set.of(), true);
        MintPlan plan = planner.plan(ALICE, p, new MintRequest(null, null, null, null, 60L, 300L), NOW);
        assertThat(plan.newSessionExpireTime()).isEqualTo(plan.expireTime());
    }
}
