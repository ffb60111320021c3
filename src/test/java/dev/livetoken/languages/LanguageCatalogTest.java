package dev.livetoken.languages;

import org.junit.jupiter.api.Test;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanguageCatalogTest {

    private final LanguageCatalog catalog = new LanguageCatalog();

    @Test
    void loadsEveryLanguageOfGooglesTable() {
        assertThat(catalog.all()).hasSize(79);
        assertThat(catalog.find("fil")).map(Language::name).contains("Filipino");
    }

    @Test
    void normalisesCaseAndSeparator() {
        assertThat(catalog.find("PT_br")).map(Language::code).contains("pt-BR");
        assertThat(catalog.find("zh-hans")).map(Language::code).contains("zh-Hans");
        assertThat(catalog.find(" ES ")).map(Language::code).contains("es");
    }

    @Test
    void unknownCodeNamesTheFieldAndSuggestsClosest() {
        assertThatThrownBy(() -> catalog.require("pt", "targetLanguageCode"))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.type()).isEqualTo(ProblemType.UNKNOWN_LANGUAGE);
                    assertThat(p.field()).isEqualTo("targetLanguageCode");
                    assertThat(p.suggestions()).contains("pt-BR", "pt-PT");
                });
        assertThat(LanguageCatalog.closest("zh", catalog.all())).contains("zh-Hans", "zh-Hant");
        assertThat(LanguageCatalog.closest("spanish", catalog.all())).contains("es");
        assertThat(LanguageCatalog.closest("xx-YY-ZZ-long-garbage", catalog.all()))
                .isEmpty();
    }
}
