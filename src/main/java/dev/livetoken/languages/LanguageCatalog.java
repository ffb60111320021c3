package dev.livetoken.languages;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * The languages Live Translate supports (from Google's table, {@code languages.tsv}), with
 * normalisation of what callers type ({@code PT_br}, {@code ZH-HANS}) to the canonical code.
 */
@ApplicationScoped
public class LanguageCatalog {

    private static final int MAX_SUGGESTIONS = 3;

    private final Map<String, Language> byKey;
    private final List<Language> all;

    public LanguageCatalog() {
        this(load("/languages.tsv"));
    }

    LanguageCatalog(List<Language> languages) {
        Map<String, Language> map = new LinkedHashMap<>();
        for (Language l : languages) {
            map.put(key(l.code()), l);
        }
        this.byKey = Map.copyOf(map);
        this.all =
                languages.stream().sorted(Comparator.comparing(Language::code)).toList();
    }

    /** Every supported language, sorted by code. */
    public List<Language> all() {
        return all;
    }

    /** The canonical language for a code in any case or separator style, if supported. */
    public Optional<Language> find(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(byKey.get(key(code)));
    }

    /**
     * The canonical code, or a 400 problem naming {@code field} and the closest supported codes.
     */
    public Language require(String code, String field) {
        return find(code)
                .orElseThrow(() -> ProblemException.builder(
                                ProblemType.UNKNOWN_LANGUAGE,
                                "'" + printable(code) + "' is not a supported Live Translate language code.")
                        .field(field)
                        .suggestions(closest(code, all))
                        .build());
    }

    /** Up to three supported codes that look most like {@code code}. */
    public static List<String> closest(String code, Collection<Language> among) {
        String k = code == null ? "" : key(code);
        String primary = k.contains("-") ? k.substring(0, k.indexOf('-')) : k;
        record Scored(String code, int score) {}
        List<Scored> scored = new ArrayList<>();
        for (Language l : among) {
            String lk = key(l.code());
            int d = distance(k, lk);
            // A code that shares the primary subtag (pt-br vs pt-BR/pt-PT, zh vs zh-Hans) is the
            // likeliest intent, whatever the edit distance says.
            if (!primary.isEmpty() && (lk.equals(primary) || lk.startsWith(primary + "-"))) {
                d = Math.min(d, 0);
            }
            String name = l.name().toLowerCase(Locale.ROOT);
            if (k.length() >= 3 && name.startsWith(k)) {
                d = Math.min(d, 0);
            }
            scored.add(new Scored(l.code(), d));
        }
        return scored.stream()
                .filter(s -> s.score() <= Math.max(2, k.length() / 2))
                .sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::code))
                .limit(MAX_SUGGESTIONS)
                .map(Scored::code)
                .toList();
    }

    static String key(String code) {
        return code.trim().replace('_', '-').toLowerCase(Locale.ROOT);
    }

    private static String printable(String code) {
        if (code == null) {
            return "";
        }
        String s = code.length() > 20 ? code.substring(0, 20) + "…" : code;
        return s.replaceAll("[^\\p{Alnum}_-]", "?");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static List<Language> load(String resource) {
        try (InputStream in = LanguageCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Language> out = new ArrayList<>();
            String line = r.readLine(); // header: code<TAB>name
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cols = line.split("\t", 2);
                out.add(new Language(cols[0].trim(), cols[1].trim()));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
