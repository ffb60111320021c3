package dev.livetoken.audit;

import java.util.List;

/**
 * What ties a token's audit record to its conversation ({@code POST /v1/conversations},
 * docs/conversations.md): the conversation's id and its two languages in the request's order, so a
 * renewal can mint the same kind of token again.
 *
 * @param languages the two language codes, or null for a record written before they were kept
 */
public record ConversationLink(String conversationId, List<String> languages) {

    public ConversationLink {
        languages = languages == null ? null : List.copyOf(languages);
    }

    /** Whether the record knows enough to mint its token again (its languages were kept). */
    public boolean renewable() {
        return languages != null && languages.size() == 2;
    }

    String languagesColumn() {
        return languages == null ? null : String.join(",", languages);
    }

    static ConversationLink of(String conversationId, String languagesColumn) {
        if (conversationId == null) {
            return null;
        }
        return new ConversationLink(
                conversationId, languagesColumn == null ? null : List.of(languagesColumn.split(",", -1)));
    }
}
