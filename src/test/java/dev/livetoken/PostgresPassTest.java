package dev.livetoken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which tests CI runs a second time with PostgreSQL as the store (the Maven profile {@code
 * postgres}, {@code .ci/run}, docs/DEVELOPING.md), and why. The rule:
 * <ul>
 *   <li>Only a {@code @QuarkusTest} can run on PostgreSQL: the store is chosen by the
 *       application's configuration ({@code QUARKUS_DATASOURCE_JDBC_URL}), which plain JUnit tests
 *       never read (the few that use JDBC open an in-memory H2 of their own).
 *   <li>Every {@code @QuarkusTest} carries {@code @Tag("store")}, and so runs on PostgreSQL, unless
 *       it is listed in {@link #STORE_INDEPENDENT} with the reason its outcome cannot depend on the
 *       store: what it checks is the client, the emulator, the browser page or the HTTP edge, and
 *       the store at most serves its setup (a policy, a minted token), which the tagged tests cover
 *       on PostgreSQL; or its profile pins the embedded store, so it could not run on PostgreSQL.
 * </ul>
 * A new {@code @QuarkusTest} therefore fails here until it is tagged or listed: forgetting costs a
 * red build, never PostgreSQL coverage. A listed test may not use the store's classes (the store,
 * audit, limits, policy and sessions packages, or {@code support.Stalls}) at all.
 */
class PostgresPassTest {

    static final String ROOT = "dev.livetoken";

    /** The JUnit tag the {@code postgres} profile runs ({@code <groups>} in pom.xml). */
    static final String STORE = "store";

    /**
     * {@code @QuarkusTest} classes (under {@code dev.livetoken}) left out of the PostgreSQL pass →
     * why their outcome does not depend on the store.
     */
    static final Map<String, String> STORE_INDEPENDENT = Map.ofEntries(
            entry("auth.DevJwtResourceTest", "the dev-only JWT signer; no store involved"),
            entry("auth.JwtTimeChecksTest", "JWT time checks refuse (401) before the store is asked"),
            entry("auth.JwtVerificationTest", "the JWT failure matrix: refused before the store is asked"),
            entry("auth.LookAlikeSubjectsTest", "look-alike subjects are refused by validation (401/400)"),
            entry("auth.ProductionBuildTest", "its profile (ProductionProfile) pins the embedded store"),
            entry("bootstrap.ProductionBootstrapTest", "its profile (ProductionProfile) pins the embedded store"),
            entry("emulator.ProductionIgnoresFaultsTest", "its profile (ProductionProfile) pins the embedded store"),
            entry("client.ClientRecoveryTest", "the reference client against the emulator's faults"),
            entry("client.LiveTranslateCliTest", "the reference client; the mint only hands it a token"),
            entry("client.TextTranslateCliTest", "the reference client against the emulated text stream"),
            entry("demo.BrowserDemoTest", "the demo page in a browser; the mint only hands it tokens"),
            entry("demo.BrowserDemoTextFramesTest", "the demo page in a browser, text frames"),
            entry("demo.DemoPageTest", "the demo page's static files and headers"),
            entry("emulator.AuthTokensEmulatorTest", "the emulated auth_tokens endpoint"),
            entry("emulator.EmulatorFaultsTest", "the emulator's injected faults"),
            entry("emulator.EmulatorShutdownTest", "the emulator's connections at shutdown"),
            entry("emulator.InterpreterSessionTest", "interpreter sessions on the emulator"),
            entry("emulator.LiveApiEmulatorTest", "the emulated Live API protocol"),
            entry("emulator.LiveConnectionLifetimeTest", "emulated connection lifetimes and the client"),
            entry("emulator.OfficialSdkConformanceTest", "the official SDK against the emulator"),
            entry("emulator.TextFramesTest", "the emulator's text frames"),
            entry("emulator.TextStreamSdkWitnessTest", "the official SDKs against the emulated text stream"),
            entry("ops.ConnectionTimeoutsTest", "HTTP idle timeouts"),
            entry("ops.CorsTest", "CORS headers"),
            entry("ops.MetricsCardinalityTest", "HTTP metric tags"),
            entry("ops.MetricsEndpointTest", "the Prometheus endpoint's format"),
            entry("ops.SecurityHeadersTest", "security headers"),
            entry("problem.EdgeProblemsTest", "HTTP edge problems, answered before the store is asked"));

    /** Main packages whose classes hold or read the store's state; a store-independent test uses none. */
    static final Set<String> STORE_PACKAGES = Set.of("store", "audit", "limits", "policy", "sessions");

    /** Test helpers that read the store directly. */
    static final Set<String> STORE_HELPERS = Set.of(ROOT + ".support.Stalls");

    static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages(ROOT);

    static String shortName(JavaClass c) {
        return c.getName().substring(ROOT.length() + 1);
    }

    static Set<JavaClass> quarkusTests() {
        Set<JavaClass> out = new LinkedHashSet<>();
        for (JavaClass c : TESTS) {
            if (c.isAnnotatedWith(QuarkusTest.class)) {
                out.add(c);
            }
        }
        return out;
    }

    static boolean taggedStore(JavaClass c) {
        return Arrays.stream(c.reflect().getAnnotationsByType(Tag.class)).anyMatch(t -> STORE.equals(t.value()));
    }

    /** True when the class's test profile switches the configured datasource off (the embedded store only). */
    static boolean pinsTheEmbeddedStore(JavaClass c) throws ReflectiveOperationException {
        TestProfile profile = c.reflect().getAnnotation(TestProfile.class);
        if (profile == null) {
            return false;
        }
        var constructor = profile.value().getDeclaredConstructor();
        constructor.setAccessible(true);
        QuarkusTestProfile p = constructor.newInstance();
        return "false".equals(p.getConfigOverrides().get("quarkus.datasource.active"));
    }

    @Test
    void thereAreQuarkusTestsToCheck() {
        assertThat(quarkusTests()).as("@QuarkusTest classes under " + ROOT).hasSizeGreaterThan(40);
    }

    @Test
    void everyQuarkusTestIsTaggedStoreOrListedAsStoreIndependent() {
        Set<String> neither = new TreeSet<>();
        Set<String> both = new TreeSet<>();
        for (JavaClass c : quarkusTests()) {
            boolean tagged = taggedStore(c);
            boolean listed = STORE_INDEPENDENT.containsKey(shortName(c));
            if (!tagged && !listed) {
                neither.add(shortName(c));
            } else if (tagged && listed) {
                both.add(shortName(c));
            }
        }
        assertThat(neither)
                .as("@QuarkusTest classes neither tagged @Tag(\"store\") (run on PostgreSQL too) nor listed in "
                        + "PostgresPassTest.STORE_INDEPENDENT with the reason they need not")
                .isEmpty();
        assertThat(both)
                .as("tagged @Tag(\"store\") and listed as store-independent: one or the other")
                .isEmpty();
    }

    @Test
    void theListNamesOnlyQuarkusTests() {
        Set<String> quarkus = new TreeSet<>();
        quarkusTests().forEach(c -> quarkus.add(shortName(c)));
        assertThat(quarkus)
                .as("PostgresPassTest.STORE_INDEPENDENT names a class that is not a @QuarkusTest (renamed? removed?)")
                .containsAll(STORE_INDEPENDENT.keySet());
    }

    @Test
    void onlyQuarkusTestsOnTheConfiguredStoreAreTaggedStore() throws ReflectiveOperationException {
        Map<String, String> wrong = new TreeMap<>();
        for (JavaClass c : TESTS) {
            if (!c.isTopLevelClass() || !taggedStore(c)) {
                continue;
            }
            if (!c.isAnnotatedWith(QuarkusTest.class)) {
                wrong.put(shortName(c), "not a @QuarkusTest: it never sees the configured store");
            } else if (pinsTheEmbeddedStore(c)) {
                wrong.put(shortName(c), "its test profile pins the embedded store");
            }
        }
        assertThat(wrong)
                .as("tagged @Tag(\"store\") but cannot run on PostgreSQL")
                .isEmpty();
    }

    @Test
    void storeIndependentTestsUseNoneOfTheStoresClasses() {
        Set<String> uses = new TreeSet<>();
        for (JavaClass c : TESTS) {
            String outer = c.getName().contains("$")
                    ? c.getName().substring(0, c.getName().indexOf('$'))
                    : c.getName();
            if (!STORE_INDEPENDENT.containsKey(outer.substring(ROOT.length() + 1))) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                if (isStoreClass(d.getTargetClass())) {
                    uses.add(d.getDescription());
                }
            }
        }
        assertThat(uses)
                .as("tests listed as store-independent that use the store's classes: tag them @Tag(\"store\")")
                .isEmpty();
    }

    /** A production class of one of {@link #STORE_PACKAGES}, or a {@link #STORE_HELPERS} helper. */
    static boolean isStoreClass(JavaClass c) {
        if (STORE_HELPERS.contains(c.getName())) {
            return true;
        }
        String p = c.getPackageName();
        if (!p.startsWith(ROOT + ".") || TESTS.contain(c.getName())) {
            return false;
        }
        String rest = p.substring(ROOT.length() + 1);
        return STORE_PACKAGES.contains(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
    }

    @Test
    void thePostgresProfileRunsTheStoreTag() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher profile = Pattern.compile(
                        "<profile>\\s*(?:<!--.*?-->\\s*)?<id>postgres</id>(.*?)</profile>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(profile.find())
                .as("a Maven profile with id postgres in pom.xml")
                .isTrue();
        assertThat(profile.group(1)).contains("<groups>" + STORE + "</groups>");
    }
}
