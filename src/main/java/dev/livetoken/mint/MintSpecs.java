package dev.livetoken.mint;

import dev.livetoken.upstream.AuthTokenSpec;

/** The upstream request a plan turns into; shared by minting and simulation. */
public final class MintSpecs {

    private MintSpecs() {
    }

    public static AuthTokenSpec spec(MintPlan plan) {
        return MintService.spec(plan);
    }
}
