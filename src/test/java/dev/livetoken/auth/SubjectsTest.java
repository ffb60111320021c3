package dev.livetoken.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The one user-id rule: visible, addressable, not a path segment or the whole-tenant marker. */
class SubjectsTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "alice@example.com", "Zoë Müller", "用户-42", "auth0|5f7c8ec7", "a.b", "...", "x"})
    void ordinaryIdsAreAccepted(String subject) {
        assertThat(Subjects.isAcceptable(subject)).as(subject).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ".",
                "..",
                "*",
                "alice\u202Eecila", // right-to-left override
                "ali\u200Bce", // zero-width space
                "alice\u2028admin", // line separator
                "\uFEFFalice", // byte-order mark
                "alice\u2029", // paragraph separator
                "ali\u00ADce", // soft hyphen (Cf)
                "alice\u2066x\u2069", // bidi isolate
                "alice\u200D", // zero-width joiner
                "alice\n", // control
                "alice\u0000", // NUL
                "\uD800alice", // lone surrogate
                "alice\uFFFF", // noncharacter (unassigned)
                " alice", // leading space
                "alice ", // trailing space
                "alice\u00A0" // trailing no-break space
            })
    void lookAlikesAndUnblockableIdsAreRefused(String subject) {
        assertThat(Subjects.isAcceptable(subject))
                .as(subject.codePoints()
                        .mapToObj(cp -> String.format("U+%04X", cp))
                        .toList()
                        .toString())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {255, 256})
    void atMost255Units(int length) {
        assertThat(Subjects.isAcceptable("a".repeat(length))).isEqualTo(length <= 255);
    }
}
