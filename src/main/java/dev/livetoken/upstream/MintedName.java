package dev.livetoken.upstream;

/** What a successful {@code auth_tokens.create} gives back: the token (the whole {@code auth_tokens/…} name). */
public record MintedName(String name) {
    @Override
    public String toString() {
        return "MintedName[redacted]";
    }
}
