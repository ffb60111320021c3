package dev.livetoken.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.policy.PolicyStore;
import dev.livetoken.support.Admin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bootstrap policies file: validated like an admin PUT (each problem naming tenant and field),
 * creates only what does not exist, never overwrites a later edit, and survives replicas applying
 * it at the same moment (run it on PostgreSQL with QUARKUS_DATASOURCE_JDBC_URL).
 */
@QuarkusTest
@Tag("store")
class PolicySeedTest {

    @Inject
    PolicySeed seed;

    @Inject
    PolicyStore store;

    @TempDir
    Path tmp;

    Path file(String json) throws IOException {
        return Files.writeString(tmp.resolve("policies.json"), json);
    }

    @Test
    void everyProblemInTheFileIsNamedByTenantAndField() throws IOException {
        PolicySeed.Loaded loaded = seed.load(file("""
                {"policies": {
                  "acme": {"allowedTargetLanguages": ["es", "xx"], "defaultTargetLanguage": "es"},
                  "globex": {"userQuotaPerDay": "many"},
                  "initech": {"maxUses": 5, "nonsense": true},
                  "bad tenant!": {},
                  "umbrella": {"version": 3}
                },
                "extra": 1}"""));
        assertThat(loaded.policies()).isEmpty();
        assertThat(loaded.problems())
                .hasSize(6)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("policies.acme.allowedTargetLanguages[1]: 'xx' is not a supported language code"));
        assertThat(loaded.problems())
                .contains(
                        "unknown field 'extra' (only 'policies' is allowed)",
                        "policies.globex.userQuotaPerDay: Field 'userQuotaPerDay' has the wrong type.",
                        "policies.initech.nonsense: Unknown field 'nonsense'.",
                        "policies.bad tenant!: 'bad tenant!' is not a valid tenant id (1 to 64 letters, digits, '.', '_' or '-', "
                                + "starting with a letter or digit)",
                        "policies.umbrella.version: read-only; remove version");
    }

    @Test
    void anUnreadableOrMalformedFileIsReportedAsSuch() throws IOException {
        assertThat(seed.load(tmp.resolve("missing.json")).problems()).containsExactly("file not found");
        assertThat(seed.load(file("{\"policies\": {\"acme\": }")).problems())
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("not valid JSON at line 1"));
        assertThat(seed.load(file("[]")).problems())
                .containsExactly("must be a JSON object {\"policies\": {\"<tenant>\": {<policy>}, ...}}");
    }

    @Test
    void createsMissingPoliciesAndNeverOverwritesOnesThatExist() throws IOException {
        String fresh = Admin.newTenant("seed");
        String existing = Admin.newTenant("kept");
        Admin.createPolicy(existing, "{\"userQuotaPerDay\": 11}");
        PolicySeed.Loaded loaded = seed.load(file("{\"policies\": {\"" + fresh + "\": {\"userQuotaPerDay\": 5}, \""
                + existing + "\": {\"userQuotaPerDay\": 99}}}"));
        assertThat(loaded.problems()).isEmpty();

        assertThat(seed.apply(loaded)).containsExactly(fresh);
        assertThat(store.find(fresh).orElseThrow().policy().userQuotaPerDay()).isEqualTo(5);
        assertThat(store.find(fresh).orElseThrow().updatedBy()).isEqualTo(PolicySeed.CREATED_BY);
        assertThat(store.find(existing).orElseThrow().policy().userQuotaPerDay())
                .isEqualTo(11);

        // a restart applies the file again: nothing changes
        assertThat(seed.apply(loaded)).isEmpty();
        assertThat(store.find(fresh).orElseThrow().policy().version()).isEqualTo(1);
    }

    @Test
    void replicasApplyingTheFileTogetherCreateEachPolicyOnceWithoutFailing() throws Exception {
        List<String> tenants = List.of(Admin.newTenant("race"), Admin.newTenant("race"), Admin.newTenant("race"));
        StringBuilder json = new StringBuilder("{\"policies\": {");
        for (int i = 0; i < tenants.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(tenants.get(i)).append("\": {\"maxUses\": 4}");
        }
        PolicySeed.Loaded loaded = seed.load(file(json.append("}}").toString()));
        int replicas = 8;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Callable<List<String>>> starts = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                starts.add(() -> seed.apply(loaded));
            }
            List<String> created = new ArrayList<>();
            for (Future<List<String>> f : pool.invokeAll(starts)) {
                created.addAll(f.get()); // a duplicate-key failure would surface here
            }
            assertThat(created).containsExactlyInAnyOrderElementsOf(tenants);
        } finally {
            pool.shutdownNow();
        }
        for (String t : tenants) {
            assertThat(store.find(t).orElseThrow().policy().version()).isEqualTo(1);
        }
    }
}
