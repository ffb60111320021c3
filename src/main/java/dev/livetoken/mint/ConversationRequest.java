package dev.livetoken.mint;

import java.util.List;

/**
 * Body of {@code POST /v1/conversations} (docs/conversations.md).
 *
 * @param languages exactly two different supported language codes: the two people's languages
 * @param mode {@code pair} (default: two Live Translate tokens) or {@code interpreter} (one dialogue-model token)
 * @param onBehalfOf the user a {@code token-broker} mints for
 */
public record ConversationRequest(
        List<String> languages, String mode, String onBehalfOf, Long lifetimeSeconds, Long newSessionWindowSeconds) {

    public static final String PAIR = "pair";
    public static final String INTERPRETER = "interpreter";
}
