package dev.livetoken;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of {@code dev.livetoken}: free of cycles, and each feature package uses only
 * the packages {@link #MAY_USE} grants it. A new package, or a new arrow between packages, is a
 * design decision: add it to the table below (with the reason) rather than working around a
 * failure. Failures name the offending class, the class it uses, and where.
 */
class PackageRulesTest {

    static final String ROOT = "dev.livetoken";

    /**
     * Package (first segment under {@code dev.livetoken}) → the other {@code dev.livetoken}
     * packages its production classes may use. Libraries are not listed here, except for
     * {@code client} (see {@link #clientUsesOnlyTheJdkAndJackson}). Listed bottom-up; the table
     * may not grant a cycle either ({@link #packagesAreFreeOfCycles} checks the code).
     */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            // The reference client: lifted into apps as is, so no server code at all.
            entry("client", Set.of()),
            // The durable store (JDBC pool, migrations, its executor): knows no feature.
            entry("store", Set.of()),
            // The one problem table and its mappers; maps the store's failure to a 503.
            entry("problem", Set.of("store")),
            // JWT verification and the caller (tenant, subject, roles).
            entry("auth", Set.of("problem")),
            // Audit records and token hashing, written through the store.
            entry("audit", Set.of("store")),
            // The language catalog.
            entry("languages", Set.of("problem")),
            // Rate limits and quotas; their settings are their own (LimitSettings), not policy's.
            entry("limits", Set.of("problem", "store")),
            // Calls to Google; owns its meters (UpstreamMetrics).
            entry("upstream", Set.of("problem")),
            // Tenant policies, platform ceilings, GET /v1/languages (the policy's languages).
            // policy names models the way Google's API does (upstream.ModelNames, the one `models/` rule)
            entry("policy", Set.of("auth", "languages", "limits", "problem", "store", "upstream")),
            // Access log, metrics, readiness; reads the emulator's switch (EmulatorConfig) only.
            entry("ops", Set.of("auth", "emulator", "problem", "upstream")),
            // POST /v1/tokens: plans, reserves, calls upstream, audits.
            entry(
                    "mint",
                    Set.of("audit", "auth", "languages", "limits", "ops", "policy", "problem", "store", "upstream")),
            // The admin API: policies, blocks, audit queries, simulation of a mint.
            entry("admin", Set.of("audit", "auth", "limits", "mint", "policy", "problem", "sessions", "upstream")),
            // Session reports: checked against the token's audit record, stored on their own.
            entry("sessions", Set.of("audit", "auth", "ops", "problem", "store")),
            // POST /v1/translations (text): the same checks as a mint, then a streamed upstream call.
            entry(
                    "translate",
                    Set.of(
                            "admin",
                            "audit",
                            "auth",
                            "languages",
                            "limits",
                            "ops",
                            "policy",
                            "problem",
                            "store",
                            "upstream")),
            // First start: settings checks and the policy seed.
            entry("bootstrap", Set.of("audit", "auth", "policy", "problem")),
            // POST /v1/tokens/diagnose.
            entry("doctor", Set.of("audit", "auth", "problem")),
            // The demo page and its dev-only routes.
            entry("demo", Set.of("ops", "problem", "upstream")),
            // Google's endpoints, emulated; switched on in dev and test only (see below).
            entry("emulator", Set.of("languages", "upstream")));

    /** The one emulator class other packages may use: the switch that says whether it is on. */
    static final String EMULATOR_SWITCH = ROOT + ".emulator.EmulatorConfig";

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    static String feature(JavaClass c) {
        String p = c.getPackageName();
        if (!p.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = p.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    @Test
    void thereAreProductionClassesToCheck() {
        assertThat(CLASSES.size()).as("classes imported from " + ROOT).isGreaterThan(100);
    }

    @Test
    void everyPackageIsInTheTable() {
        Set<String> missing = new TreeSet<>();
        for (JavaClass c : CLASSES) {
            String f = feature(c);
            if (f == null) {
                missing.add("(classes directly in " + ROOT + ", e.g. " + c.getName() + ")");
            } else if (!MAY_USE.containsKey(f)) {
                missing.add(f);
            }
        }
        assertThat(missing)
                .as("packages missing from PackageRulesTest.MAY_USE: add each with the packages " + "it may use")
                .isEmpty();
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachPackageUsesOnlyWhatTheTableAllows() {
        ArchRule rule = ArchRuleDefinition.classes()
                .should(useOnlyAllowedPackages())
                .because("PackageRulesTest.MAY_USE lists what each package may use");
        rule.check(CLASSES);
    }

    @Test
    void theEmulatorIsUsedOnlyThroughItsSwitch() {
        ArchRuleDefinition.noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".emulator..")
                .should()
                .dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "are in " + ROOT + ".emulator other than " + EMULATOR_SWITCH,
                        (JavaClass t) ->
                                "emulator".equals(feature(t)) && !t.getName().equals(EMULATOR_SWITCH)))
                .because("production code must not depend on the emulator; it may only ask whether it is on")
                .check(CLASSES);
    }

    @Test
    void clientUsesOnlyTheJdkAndJackson() {
        ArchRuleDefinition.classes()
                .that()
                .resideInAPackage(ROOT + ".client..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "javax.sound..",
                        "javax.net..",
                        "com.sun.management..",
                        "com.fasterxml.jackson..",
                        ROOT + ".client..")
                .because("the reference client is lifted into apps as is: JDK and Jackson only")
                .check(CLASSES);
    }

    @Test
    void theTableNamesOnlyKnownPackages() {
        // A typo in an allowed package would silently allow nothing.
        for (var e : MAY_USE.entrySet()) {
            assertThat(MAY_USE.keySet()).as("packages %s may use", e.getKey()).containsAll(e.getValue());
            assertThat(e.getValue()).as("%s may not list itself", e.getKey()).doesNotContain(e.getKey());
        }
    }

    static ArchCondition<JavaClass> useOnlyAllowedPackages() {
        return new ArchCondition<>("use only the dev.livetoken packages their package may use") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String from = feature(item);
                Set<String> allowed = MAY_USE.get(from);
                if (allowed == null) {
                    return; // reported by everyPackageIsInTheTable
                }
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String to = feature(d.getTargetClass());
                    if (to == null || to.equals(from) || allowed.contains(to)) {
                        continue;
                    }
                    events.add(SimpleConditionEvent.violated(
                            d,
                            "package " + from + " may not use package " + to + " (allowed: " + new TreeSet<>(allowed)
                                    + "): " + d.getDescription()));
                }
            }
        };
    }
}
