package dev.livetoken.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Consistency rules every policy must meet, whatever its source. */
public final class PolicyRules {

    private PolicyRules() {
    }

    /** The violations, as "field: reason"; empty when the policy is sound. */
    public static List<String> violations(TokenPolicy p) {
        List<String> out = new ArrayList<>();
        if (p.model() == null || p.model().isBlank()) {
            out.add("model: must not be blank");
        }
        if (p.maxUses() < 1) {
            out.add("maxUses: must be at least 1");
        }
        if (p.defaultUses() < 1 || p.defaultUses() > p.maxUses()) {
            out.add("defaultUses: must be between 1 and maxUses");
        }
        if (!positiveBelow(p.tokenLifetime(), TokenPolicy.UPSTREAM_MAX_LIFETIME)) {
            out.add("tokenLifetime: must be positive and under 20 hours");
        }
        if (!positiveBelow(p.newSessionWindow(), TokenPolicy.UPSTREAM_MAX_LIFETIME)) {
            out.add("newSessionWindow: must be positive and under 20 hours");
        } else if (p.tokenLifetime() != null && p.newSessionWindow().compareTo(p.tokenLifetime()) > 0) {
            out.add("newSessionWindow: must not exceed tokenLifetime");
        }
        if (!p.allowsLanguage(p.defaultTargetLanguage())) {
            out.add("defaultTargetLanguage: must be one of allowedTargetLanguages");
        }
        return out;
    }

    public static void check(TokenPolicy p) {
        List<String> v = violations(p);
        if (!v.isEmpty()) {
            throw new IllegalStateException("Invalid token policy for tenant '" + p.tenantId() + "': " + v);
        }
    }

    private static boolean positiveBelow(Duration d, Duration bound) {
        return d != null && !d.isNegative() && !d.isZero() && d.compareTo(bound) < 0;
    }
}
