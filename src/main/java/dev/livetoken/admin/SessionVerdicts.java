package dev.livetoken.admin;

import java.util.List;

import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.limits.WorstCase;
import dev.livetoken.mint.MintPlan;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * How {@code simulate} explains the session budgets and live-token caps (issue 9): one decision per
 * budget or cap in force, and the refusal a real mint would get, in the order a mint checks them
 * (caps before budgets, tenant before user). Pure.
 */
final class SessionVerdicts {

    private SessionVerdicts() {}

    /** Adds a decision per limit in force to {@code why}; returns the refusal, or null if the token fits. */
    static ProblemException judge(WorstCase worst, List<UsageLimiter.Counter> counters, List<MintPlan.Decision> why) {
        ProblemException refusal = null;
        ProblemException capRefusal = null;
        for (UsageLimiter.Counter c : counters) {
            if (c.limit() == 0) {
                continue;
            }
            String label = c.scope().label;
            boolean tenant = label.startsWith("tenant-");
            if (c.scope().window.equals("day")) {
                long left = Math.max(0, c.limit() - c.used());
                boolean fits = worst.minutes() <= left;
                why.add(new MintPlan.Decision(
                        label,
                        (fits ? "fits: " : "does not fit: ") + worst.minutes() + " of " + left + " minutes left today",
                        "policy." + (tenant ? "tenant" : "user") + "SessionMinutesPerDay " + c.limit() + ", " + c.used()
                                + " charged today"));
                if (!fits && refusal == null) {
                    refusal = ProblemException.builder(
                                    ProblemType.SESSION_BUDGET_EXCEEDED,
                                    (tenant ? "Your tenant has " : "You have ") + left + " of " + c.limit()
                                            + " session-minutes per UTC day left ("
                                            + label + "); this token's worst case is " + worst.minutes() + " ("
                                            + worst.explain()
                                            + "). " + worst.whatFits(left))
                            .scope(label)
                            .build();
                }
            } else {
                boolean free = c.used() < c.limit();
                why.add(new MintPlan.Decision(
                        label,
                        (free ? "room: " : "full: ") + c.used() + " of " + c.limit() + " live",
                        "policy.maxLiveTokensPer" + (tenant ? "Tenant " : "User ") + c.limit()));
                if (!free && capRefusal == null) {
                    capRefusal = ProblemException.builder(
                                    ProblemType.LIVE_TOKEN_CAP,
                                    (tenant ? "Your tenant holds " : "You hold ") + c.used()
                                            + " unexpired tokens, the most allowed at once is "
                                            + c.limit() + " (" + label + "); the earliest expires at " + c.resetsAt()
                                            + ".")
                            .scope(label)
                            .build();
                }
            }
        }
        return capRefusal != null ? capRefusal : refusal;
    }

    /** Whether a refusal is a live-token cap's: a mint checks caps before any counter. */
    static boolean isCap(ProblemException e) {
        return e != null && e.type() == ProblemType.LIVE_TOKEN_CAP;
    }
}
