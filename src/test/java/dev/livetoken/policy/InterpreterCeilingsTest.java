package dev.livetoken.policy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.livetoken.problem.FieldError;
import dev.livetoken.support.Policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterpreterCeilingsTest {

    static final String OWN = "Interpreter for {first} and {second}.";

    static TokenPolicy policy(InterpreterPolicy i) {
        TokenPolicy base = PlatformCeilingsTest.policy(
                "gemini-3.5-live-translate-preview", LockMode.LOCKED, 1, 5, 600, 1800, 60, 300, 0, 0, 0, 0);
        return Policies.from(base).withInterpreter(i).build();
    }

    @Test
    void modelsAreComparedWithoutPrefixOrCase() {
        var c = new InterpreterCeilings(
                List.of("models/Gemini-3.1-Flash-Live-Preview"), true, 100, InterpreterCeilings.SEED_TEMPLATE);
        assertThat(c.allowsModel("gemini-3.1-flash-live-preview")).isTrue();
        assertThat(c.refusal(new InterpreterPolicy(true, "gemini-2.0-flash-live-001", null)))
                .contains("gemini-2.0-flash-live-001");
        assertThat(c.violations(policy(new InterpreterPolicy(true, "gemini-2.0-flash-live-001", null))))
                .extracting(FieldError::field)
                .containsExactly("interpreterModel");
    }

    @Test
    void aTemplateBeyondTheCeilingsIsRefusedAtWriteAndReplacedAtMint() {
        var forbidden = new InterpreterCeilings(
                List.of(InterpreterPolicy.DEFAULT_MODEL), false, 100, InterpreterCeilings.SEED_TEMPLATE);
        InterpreterPolicy own = new InterpreterPolicy(true, InterpreterPolicy.DEFAULT_MODEL, OWN);
        assertThat(forbidden.violations(policy(own)))
                .extracting(FieldError::field)
                .containsExactly("interpreterInstructionTemplate");
        assertThat(forbidden.template(own)).isEqualTo(InterpreterCeilings.SEED_TEMPLATE);
        assertThat(forbidden.usesOwnTemplate(own)).isFalse();

        var tooShort = new InterpreterCeilings(
                List.of(InterpreterPolicy.DEFAULT_MODEL), true, 10, InterpreterCeilings.SEED_TEMPLATE);
        assertThat(tooShort.violations(policy(own)))
                .extracting(FieldError::message)
                .anyMatch(m -> m.contains("at most 10 characters"));
        assertThat(tooShort.template(own)).isEqualTo(InterpreterCeilings.SEED_TEMPLATE);

        var allowed = new InterpreterCeilings(
                List.of(InterpreterPolicy.DEFAULT_MODEL), true, 100, InterpreterCeilings.SEED_TEMPLATE);
        assertThat(allowed.violations(policy(own))).isEmpty();
        assertThat(allowed.template(own)).isEqualTo(OWN);
        assertThat(InterpreterCeilings.instruction(OWN, "English", "Japanese"))
                .isEqualTo("Interpreter for English and Japanese.");
    }

    @Test
    void aTemplateMustNameBothLanguagesAndSoMustThePlatformDefault() {
        assertThat(InterpreterCeilings.templateProblem("Translate {first}.")).contains("{second}");
        assertThat(PolicyRules.violations(
                        policy(new InterpreterPolicy(false, InterpreterPolicy.DEFAULT_MODEL, "no placeholders"))))
                .extracting(FieldError::field)
                .containsExactly("interpreterInstructionTemplate");
        assertThatThrownBy(() -> new InterpreterCeilings(List.of("m"), true, 100, "no placeholders"))
                .hasMessageContaining("default-template");
    }
}
