package dev.livetoken.emulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The emulator's memory of minted tokens, shared by its REST and WebSocket parts. */
@ApplicationScoped
public class EmulatorTokenStore {

    private static final String PREFIX = "auth_tokens/";
    private final SecureRandom random = new SecureRandom();
    private final Map<String, EmulatedToken> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    public EmulatorTokenStore() {
        this(Clock.systemUTC());
    }

    EmulatorTokenStore(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Remembers a new token and returns its name, the credential. */
    public String create(
            int uses, Instant expireTime, Instant newSessionExpireTime, ObjectNode setup, List<String> fieldMask) {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        String name = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(
                name,
                new EmulatedToken(
                        uses, now(), expireTime, newSessionExpireTime, setup, fieldMask, new AtomicInteger()));
        return name;
    }

    /** The token with this exact name, if the emulator minted it and it has not been purged. */
    public Optional<EmulatedToken> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(tokens.get(name));
    }

    public int size() {
        return tokens.size();
    }

    /** Forgets tokens past their expiry: no session may use them any more. */
    public int purgeExpired() {
        Instant now = now();
        int before = tokens.size();
        tokens.values().removeIf(t -> t.expireTime().isBefore(now));
        return before - tokens.size();
    }
}
