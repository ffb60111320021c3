package dev.livetoken.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.livetoken.problem.FieldError;
import dev.livetoken.upstream.ModelNames;

/** Consistency rules every policy must meet, whatever its source; errors name the API field. */
public final class PolicyRules {

    /** The text model lands in an upstream URL path: plain model ids only, no '/', '?' or ':'. */
    private static final java.util.regex.Pattern TEXT_MODEL =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,119}");

    private PolicyRules() {}

    public static List<FieldError> violations(TokenPolicy p) {
        List<FieldError> out = new ArrayList<>();
        if (p.model() == null || p.model().isBlank() || p.model().length() > 120) {
            out.add(new FieldError("model", "must be a model name of at most 120 characters"));
        }
        if (p.maxUses() < 1 || p.maxUses() > 1000) {
            out.add(new FieldError("maxUses", "must be between 1 and 1000"));
        }
        if (p.defaultUses() < 1 || p.defaultUses() > p.maxUses()) {
            out.add(new FieldError("defaultUses", "must be between 1 and maxUses"));
        }
        checkWindow(out, "maxTokenLifetimeSeconds", p.maxTokenLifetime(), TokenPolicy.UPSTREAM_MAX_LIFETIME);
        checkWindow(out, "tokenLifetimeSeconds", p.tokenLifetime(), p.maxTokenLifetime());
        checkWindow(out, "maxNewSessionWindowSeconds", p.maxNewSessionWindow(), p.maxTokenLifetime());
        checkWindow(out, "newSessionWindowSeconds", p.newSessionWindow(), p.maxNewSessionWindow());
        if (p.defaultTargetLanguage() == null || !p.allowsLanguage(p.defaultTargetLanguage())) {
            out.add(new FieldError("defaultTargetLanguage", "must be one of allowedTargetLanguages"));
        }
        nonNegative(out, "userRatePerMinute", p.userRatePerMinute());
        nonNegative(out, "tenantRatePerMinute", p.tenantRatePerMinute());
        nonNegative(out, "userQuotaPerDay", p.userQuotaPerDay());
        nonNegative(out, "tenantQuotaPerDay", p.tenantQuotaPerDay());
        if (p.textModel() == null || !TEXT_MODEL.matcher(p.textModel()).matches()) {
            out.add(new FieldError(
                    "textModel", "must be a model name of at most 120 letters, digits, '.', '-' or '_'"));
        }
        nonNegative(out, "userCharactersPerDay", p.userCharactersPerDay());
        nonNegative(out, "tenantCharactersPerDay", p.tenantCharactersPerDay());
        nonNegative(out, "userSessionMinutesPerDay", p.sessionLimits().userSessionMinutesPerDay());
        nonNegative(out, "tenantSessionMinutesPerDay", p.sessionLimits().tenantSessionMinutesPerDay());
        nonNegative(out, "maxLiveTokensPerUser", p.sessionLimits().maxLiveTokensPerUser());
        nonNegative(out, "maxLiveTokensPerTenant", p.sessionLimits().maxLiveTokensPerTenant());
        InterpreterPolicy i = p.interpreter();
        if (i.model() == null || !TEXT_MODEL.matcher(ModelNames.bare(i.model())).matches()) {
            out.add(new FieldError(
                    "interpreterModel", "must be a model name of at most 120 letters, digits, '.', '-' or '_'"));
        }
        String templateProblem =
                i.instructionTemplate() == null ? null : InterpreterCeilings.templateProblem(i.instructionTemplate());
        if (templateProblem != null) {
            out.add(new FieldError("interpreterInstructionTemplate", templateProblem));
        }
        return out;
    }

    public static void check(TokenPolicy p) {
        List<FieldError> v = violations(p);
        if (!v.isEmpty()) {
            throw new IllegalStateException("Invalid token policy for tenant '" + p.tenantId() + "': " + v);
        }
    }

    private static void checkWindow(List<FieldError> out, String field, Duration d, Duration bound) {
        if (d == null || d.isNegative() || d.isZero()) {
            out.add(new FieldError(field, "must be a positive number of seconds"));
        } else if (bound != null && d.compareTo(bound) > 0 || d.compareTo(TokenPolicy.UPSTREAM_MAX_LIFETIME) >= 0) {
            out.add(new FieldError(
                    field,
                    bound == TokenPolicy.UPSTREAM_MAX_LIFETIME
                            ? "must be under 20 hours (72000 seconds), Google's bound"
                            : "must not exceed "
                                    + (bound == null ? "its maximum" : bound.toSeconds() + " seconds, its maximum")));
        }
    }

    private static void nonNegative(List<FieldError> out, String field, long v) {
        if (v < 0) {
            out.add(new FieldError(field, "must be 0 (no limit) or more"));
        }
    }
}
