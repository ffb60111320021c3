package dev.livetoken.limits;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One usage limit as the API shows it. {@code limit} 0 means no limit, and then {@code remaining}
 * is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitView(String scope, String window, long limit, long used, Long remaining, Instant resetsAt) {

    public static LimitView of(UsageLimiter.Counter c) {
        return new LimitView(c.scope().label, c.scope().window, c.limit(), c.used(), c.remaining(), c.resetsAt());
    }

    public static List<LimitView> of(List<UsageLimiter.Counter> counters) {
        return counters.stream().map(LimitView::of).toList();
    }
}
