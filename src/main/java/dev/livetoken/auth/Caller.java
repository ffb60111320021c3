package dev.livetoken.auth;

import java.util.Set;

/**
 * Who is asking: the verified JWT's subject, its tenant and its roles. Never holds the JWT itself,
 * so it can be logged and audited safely.
 */
public record Caller(String subject, String tenant, Set<String> roles) {

    public static final String TOKEN_BROKER = "token-broker";
    public static final String TENANT_ADMIN = "tenant-admin";
    public static final String PLATFORM_ADMIN = "platform-admin";

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean isTokenBroker() {
        return roles.contains(TOKEN_BROKER);
    }

    public boolean isPlatformAdmin() {
        return roles.contains(PLATFORM_ADMIN);
    }

    public boolean isTenantAdmin() {
        return roles.contains(TENANT_ADMIN);
    }
}
