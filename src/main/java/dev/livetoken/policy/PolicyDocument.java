package dev.livetoken.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.livetoken.languages.Language;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.limits.SessionLimits;
import dev.livetoken.problem.FieldError;

/**
 * A tenant policy as the admin API reads and writes it. Durations are whole seconds; limits of 0
 * mean "no limit". On write every field is optional and an omitted one takes the configured
 * default; {@code tenantId}, {@code version}, {@code updatedAt} and {@code updatedBy} are read-only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyDocument(
        String tenantId,
        Boolean enabled,
        String model,
        LockMode lockMode,
        List<String> allowedTargetLanguages,
        String defaultTargetLanguage,
        Boolean echoTargetLanguage,
        Boolean echoOverridable,
        Integer defaultUses,
        Integer maxUses,
        Long tokenLifetimeSeconds,
        Long maxTokenLifetimeSeconds,
        Long newSessionWindowSeconds,
        Long maxNewSessionWindowSeconds,
        Long userRatePerMinute,
        Long tenantRatePerMinute,
        Long userQuotaPerDay,
        Long tenantQuotaPerDay,
        String textModel,
        Long userCharactersPerDay,
        Long tenantCharactersPerDay,
        Long userSessionMinutesPerDay,
        Long tenantSessionMinutesPerDay,
        Long maxLiveTokensPerUser,
        Long maxLiveTokensPerTenant,
        Long version,
        Instant updatedAt,
        String updatedBy,
        Boolean interpreterEnabled,
        String interpreterModel,
        String interpreterInstructionTemplate) {

    /** The document of a stored policy, every field explicit. */
    public static PolicyDocument of(TokenPolicy p, Instant updatedAt, String updatedBy) {
        return new PolicyDocument(
                p.tenantId(),
                p.enabled(),
                p.model(),
                p.lockMode(),
                List.copyOf(new TreeSet<>(p.allowedTargetLanguages())),
                p.defaultTargetLanguage(),
                p.echoTargetLanguage(),
                p.echoOverridable(),
                p.defaultUses(),
                p.maxUses(),
                p.tokenLifetime().toSeconds(),
                p.maxTokenLifetime().toSeconds(),
                p.newSessionWindow().toSeconds(),
                p.maxNewSessionWindow().toSeconds(),
                p.userRatePerMinute(),
                p.tenantRatePerMinute(),
                p.userQuotaPerDay(),
                p.tenantQuotaPerDay(),
                p.textModel(),
                p.userCharactersPerDay(),
                p.tenantCharactersPerDay(),
                p.sessionLimits().userSessionMinutesPerDay(),
                p.sessionLimits().tenantSessionMinutesPerDay(),
                p.sessionLimits().maxLiveTokensPerUser(),
                p.sessionLimits().maxLiveTokensPerTenant(),
                p.version(),
                updatedAt,
                updatedBy,
                p.interpreter().enabled(),
                p.interpreter().model(),
                p.interpreter().instructionTemplate());
    }

    /**
     * The policy this document describes, omitted fields taken from {@code defaults}; or the list of
     * what is wrong with it, each naming its field.
     */
    public Result toPolicy(String tenant, long newVersion, TokenPolicy defaults, LanguageCatalog languages) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> allowed = new LinkedHashSet<>();
        List<String> requested = allowedTargetLanguages != null
                ? allowedTargetLanguages
                : List.copyOf(defaults.allowedTargetLanguages());
        for (int i = 0; i < requested.size(); i++) {
            String code = requested.get(i);
            var lang = languages.find(code);
            if (lang.isEmpty()) {
                errors.add(new FieldError(
                        "allowedTargetLanguages[" + i + "]",
                        "'" + code + "' is not a supported language code"
                                + suggestion(LanguageCatalog.closest(code, languages.all()))));
            } else {
                allowed.add(lang.get().code());
            }
        }
        String dflt = defaults.defaultTargetLanguage();
        if (defaultTargetLanguage != null) {
            var lang = languages.find(defaultTargetLanguage);
            if (lang.isEmpty()) {
                errors.add(new FieldError(
                        "defaultTargetLanguage",
                        "'" + defaultTargetLanguage
                                + "' is not a supported language code"
                                + suggestion(LanguageCatalog.closest(defaultTargetLanguage, languages.all()))));
            }
            dflt = lang.map(Language::code).orElse(defaultTargetLanguage);
        } else if (!allowed.isEmpty() && !allowed.contains(dflt)) {
            // An allow-list without a default: the first allowed language is the natural one.
            dflt = allowed.iterator().next();
        }
        Long tokenLifetime = or(tokenLifetimeSeconds, defaults.tokenLifetime().toSeconds());
        Long maxTokenLifetime = or(
                maxTokenLifetimeSeconds,
                Math.max(tokenLifetime, defaults.maxTokenLifetime().toSeconds()));
        Long window =
                or(newSessionWindowSeconds, Math.min(defaults.newSessionWindow().toSeconds(), tokenLifetime));
        Long maxWindow = or(
                maxNewSessionWindowSeconds,
                Math.max(window, Math.min(defaults.maxNewSessionWindow().toSeconds(), maxTokenLifetime)));
        Integer defaultU = or(defaultUses, defaults.defaultUses());
        TokenPolicy p = new TokenPolicy(
                tenant,
                or(enabled, defaults.enabled()),
                or(model, defaults.model()),
                or(lockMode, defaults.lockMode()),
                allowed,
                dflt,
                or(echoTargetLanguage, defaults.echoTargetLanguage()),
                or(echoOverridable, defaults.echoOverridable()),
                defaultU,
                or(maxUses, Math.max(defaultU, defaults.maxUses())),
                Duration.ofSeconds(tokenLifetime),
                Duration.ofSeconds(maxTokenLifetime),
                Duration.ofSeconds(window),
                Duration.ofSeconds(maxWindow),
                or(userRatePerMinute, defaults.userRatePerMinute()),
                or(tenantRatePerMinute, defaults.tenantRatePerMinute()),
                or(userQuotaPerDay, defaults.userQuotaPerDay()),
                or(tenantQuotaPerDay, defaults.tenantQuotaPerDay()),
                newVersion,
                or(textModel, defaults.textModel()),
                or(userCharactersPerDay, defaults.userCharactersPerDay()),
                or(tenantCharactersPerDay, defaults.tenantCharactersPerDay()),
                sessionLimits(defaults.sessionLimits()),
                new InterpreterPolicy(
                        or(interpreterEnabled, defaults.interpreter().enabled()),
                        or(interpreterModel, defaults.interpreter().model()),
                        // an empty template goes back to the platform's
                        interpreterInstructionTemplate == null
                                ? defaults.interpreter().instructionTemplate()
                                : interpreterInstructionTemplate.isEmpty() ? null : interpreterInstructionTemplate));
        if (errors.isEmpty()) {
            errors.addAll(PolicyRules.violations(p));
        }
        return new Result(errors.isEmpty() ? p : null, List.copyOf(errors));
    }

    /** The session budgets and live-token caps this document sets, omitted ones taken from {@code d}. */
    private SessionLimits sessionLimits(SessionLimits d) {
        return new SessionLimits(
                or(userSessionMinutesPerDay, d.userSessionMinutesPerDay()),
                or(tenantSessionMinutesPerDay, d.tenantSessionMinutesPerDay()),
                or(maxLiveTokensPerUser, d.maxLiveTokensPerUser()),
                or(maxLiveTokensPerTenant, d.maxLiveTokensPerTenant()));
    }

    /** A valid policy or the reasons there is none. */
    public record Result(TokenPolicy policy, List<FieldError> errors) {}

    private static <T> T or(T v, T dflt) {
        return v != null ? v : dflt;
    }

    private static String suggestion(List<String> closest) {
        return closest.isEmpty() ? "" : " (did you mean " + String.join(", ", closest) + "?)";
    }
}
