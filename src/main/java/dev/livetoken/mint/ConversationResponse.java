package dev.livetoken.mint;

import java.util.List;

/**
 * Answer of {@code POST /v1/conversations}: the conversation's id (also in every token's audit
 * record), its mode and its tokens, each a normal mint answer. In pair mode the first token
 * translates into the second language and the second into the first.
 */
public record ConversationResponse(String conversationId, String mode, List<MintResponse> tokens) {

    @Override
    public String toString() {
        return "ConversationResponse[conversationId=" + conversationId + ", mode=" + mode + ", tokens=" + tokens.size()
                + "]";
    }
}
