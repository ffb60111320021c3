package dev.livetoken.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's deterministic pseudo-translation: {@code [es] } followed by the text with every
 * word's letters reversed ("Hello, world" → "[es] olleH, dlrow"), so tests can tell what was
 * translated, into which language, and that nothing but the user's text was. Cut into chunks of a
 * few words, as a model streams tokens.
 */
public final class EmulatedTextTranslation {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern CHUNK = Pattern.compile("\\S+\\s*|\\s+");
    private static final Pattern TARGET = Pattern.compile("language code ([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\\)");

    private EmulatedTextTranslation() {}

    public static String translate(String text, String targetCode) {
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder("[" + targetCode + "] ");
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start()).append(new StringBuilder(m.group()).reverse());
            last = m.end();
        }
        return out.append(text.substring(last)).toString();
    }

    /** The pieces to stream, {@code words} words each; joined they give back {@code translation}. */
    public static List<String> chunks(String translation, int words) {
        List<String> out = new ArrayList<>();
        Matcher m = CHUNK.matcher(translation);
        StringBuilder cur = new StringBuilder();
        int n = 0;
        while (m.find()) {
            cur.append(m.group());
            if (!m.group().isBlank() && ++n == Math.max(1, words)) {
                out.add(cur.toString());
                cur.setLength(0);
                n = 0;
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The target language named in a system instruction ("… (language code es) …"), or {@code und}. */
    public static String targetOf(String instruction) {
        Matcher m = TARGET.matcher(instruction == null ? "" : instruction);
        return m.find() ? m.group(1) : "und";
    }
}
