package dev.livetoken.auth;

/**
 * The one rule for user ids: a JWT subject, an {@code onBehalfOf}, a block target, an audit filter.
 * A subject is shown to operators (audit, usage, logs) and named in a block URL, so it must look
 * like what it is and be addressable: two subjects that render the same, or one that reorders the
 * text around it, would let a user dodge a block or hide in the audit trail.
 *
 * <p>Refused: empty or longer than 255 UTF-16 units; any control character (Cc), format character
 * (Cf: zero-width spaces and joiners, bidi embeddings, overrides and isolates, the BOM U+FEFF, soft
 * hyphen), line or paragraph separator (Zl, Zp), lone surrogate (Cs) or unassigned code point (Cn);
 * leading or trailing white space; and the path segments {@code .} and {@code ..}, which a URL
 * cannot carry (they are resolved away before routing), so such a user could never be blocked, and
 * {@code *}, which the block list uses for the whole tenant.
 * Allocation-free: one pass over the code points.
 */
public final class Subjects {

    /** The rule in words, for problem details: "'field' " + RULE. */
    public static final String RULE = "must be 1 to 255 visible characters: no control, format (zero-width, bidi), "
            + "line-separator or unassigned characters, no leading or trailing space, and not '.', '..' or '*'";

    public static final int MAX_LENGTH = 255;

    /** The block-list entry that stands for the whole tenant (PolicyStore.WHOLE_TENANT): no user may be it. */
    private static final String WHOLE_TENANT = "*";

    private Subjects() {}

    public static boolean isAcceptable(String s) {
        if (s == null
                || s.isEmpty()
                || s.length() > MAX_LENGTH
                || s.equals(".")
                || s.equals("..")
                || s.equals(WHOLE_TENANT)) {
            return false;
        }
        if (Character.isWhitespace(s.codePointAt(0))
                || Character.isSpaceChar(s.codePointAt(0))
                || Character.isWhitespace(s.codePointBefore(s.length()))
                || Character.isSpaceChar(s.codePointBefore(s.length()))) {
            return false;
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            switch (Character.getType(cp)) {
                case Character.CONTROL,
                        Character.FORMAT,
                        Character.LINE_SEPARATOR,
                        Character.PARAGRAPH_SEPARATOR,
                        Character.SURROGATE,
                        Character.UNASSIGNED -> {
                    return false;
                }
                default -> i += Character.charCount(cp);
            }
        }
        return true;
    }
}
