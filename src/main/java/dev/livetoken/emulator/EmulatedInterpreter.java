package dev.livetoken.emulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.livetoken.languages.Language;
import dev.livetoken.languages.LanguageCatalog;

/**
 * The emulator's stand-in for a Live dialogue model serving an interpreter instruction
 * (docs/live-api-protocol.md §10). It reads the pair of languages from the
 * system instruction (the languages' English names, in the order they first appear), "detects" the
 * speaker's language as the emulator always does (it is told, see {@link LiveApiEmulator}), and
 * interprets into the other one of the pair. The audio and transcripts are made by
 * {@link EmulatedTranslation}, marked as interpreted with the direction, so tests can see it.
 */
final class EmulatedInterpreter {

    /** Live dialogue models the emulator serves (docs/live-api-protocol.md §10). */
    static final java.util.Set<String> MODELS = java.util.Set.of("models/gemini-3.1-flash-live-preview");

    private EmulatedInterpreter() {}

    /** The text of a {@code systemInstruction} ({@code {parts:[{text}]}}), or null when it has none. */
    static String instructionText(JsonNode systemInstruction) {
        if (systemInstruction == null || !systemInstruction.isObject()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode part : systemInstruction.path("parts")) {
            b.append(part.path("text").asText(""));
        }
        return b.isEmpty() ? null : b.toString();
    }

    /**
     * The two languages an instruction names, in the order they first appear (a longer name wins
     * where two start at the same place: "Portuguese (Brazil)" over "Portuguese"); fewer when it
     * names fewer.
     */
    static List<Language> pair(String instruction, LanguageCatalog languages) {
        record Hit(int at, int end, Language language) {}
        List<Hit> hits = new ArrayList<>();
        for (Language l : languages.all()) {
            int at = instruction.indexOf(l.name());
            if (at >= 0) {
                hits.add(new Hit(at, at + l.name().length(), l));
            }
        }
        hits.sort(Comparator.comparingInt(Hit::at).thenComparing(h -> -(h.end() - h.at())));
        List<Language> out = new ArrayList<>(2);
        int covered = -1;
        for (Hit h : hits) {
            if (h.at() < covered
                    || out.stream().anyMatch(l -> l.code().equals(h.language().code()))) {
                continue;
            }
            out.add(h.language());
            covered = h.end();
            if (out.size() == 2) {
                break;
            }
        }
        return out;
    }

    /**
     * The interpretation for a speaker of {@code source}: into the other language of the pair;
     * into the first when the speaker's is neither; into {@code en} when the instruction names none.
     */
    static EmulatedTranslation forSpeaker(String source, List<Language> pair) {
        String target;
        if (pair.isEmpty()) {
            target = "en";
        } else if (pair.size() == 2
                && primary(source).equals(primary(pair.get(0).code()))) {
            target = pair.get(1).code();
        } else {
            target = pair.get(0).code();
        }
        return EmulatedTranslation.interpreting(source, target);
    }

    private static String primary(String code) {
        int dash = code.indexOf('-');
        return (dash < 0 ? code : code.substring(0, dash)).toLowerCase(Locale.ROOT);
    }
}
