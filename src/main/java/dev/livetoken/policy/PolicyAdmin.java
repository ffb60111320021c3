package dev.livetoken.policy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.livetoken.auth.Caller;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.problem.FieldError;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemMappers;
import dev.livetoken.problem.ProblemType;

/**
 * Every change to a stored tenant policy goes through here, whoever makes it (the admin API, a
 * bootstrap, a tool): the document is validated, held to the platform's ceilings, and, for a
 * tenant-admin, to the fields it may change and the decisions it may not undo (a platform-admin's
 * disable). Blocking JDBC: call from a worker thread.
 */
@ApplicationScoped
public class PolicyAdmin {

    /**
     * Who changes a policy. A platform-admin may set anything within the ceilings; a tenant-admin
     * only its own tenant's {@code livetoken.platform.tenant-admin-fields}, and never lift what a
     * platform-admin set.
     */
    public record Actor(String subject, boolean platform) {

        public static Actor of(Caller c) {
            return new Actor(c.subject(), c.isPlatformAdmin());
        }

        /** The operator acting through configuration or a bootstrap, e.g. {@code Actor.platform("bootstrap")}. */
        public static Actor platform(String subject) {
            return new Actor(subject, true);
        }

        public String role() {
            return platform ? PolicyStore.PLATFORM_ADMIN : PolicyStore.TENANT_ADMIN;
        }
    }

    /** Response-only members of the admin document; ignored on write like the read-only ones. */
    public static final Set<String> RESPONSE_ONLY_FIELDS = Set.of("disabledBy", "disabledByRole");

    private final PolicyStore store;
    private final PolicyService policies;
    private final LanguageCatalog languages;
    private final PlatformCeilings ceilings;
    private final ObjectMapper json;
    private final InterpreterCeilings interpreterCeilings;

    PolicyAdmin(
            PolicyStore store,
            PolicyService policies,
            LanguageCatalog languages,
            PlatformCeilings ceilings,
            ObjectMapper json,
            InterpreterCeilings interpreterCeilings) {
        this.interpreterCeilings = interpreterCeilings;
        this.store = store;
        this.policies = policies;
        this.languages = languages;
        this.ceilings = ceilings;
        this.json = json;
    }

    /** Creates a tenant's first policy; 409 if it has one already. Omitted fields take the configured defaults. */
    public PolicyStore.Stored create(Actor actor, String tenant, ObjectNode document) {
        Optional<PolicyStore.Stored> fallback = base(actor, tenant, Optional.empty());
        Checked c = check(actor, tenant, document, Optional.empty(), fallback, 1);
        if (!store.insert(c.policy(), actor.subject(), c.disabled())) {
            throw ProblemException.of(ProblemType.CONFLICT, "The policy was created concurrently; read it and retry.");
        }
        policies.invalidateLocal();
        return store.find(tenant).orElseThrow();
    }

    /**
     * The policy {@code document} describes for {@code tenant}, validated and held to the platform's
     * ceilings exactly as a platform-admin's create would be, without storing it: the bootstrap
     * policies file checks every entry before it inserts any.
     */
    public TokenPolicy validateAsPlatform(String tenant, ObjectNode document) {
        return check(Actor.platform("bootstrap"), tenant, document, Optional.empty(), Optional.empty(), 1)
                .policy();
    }

    /** {@link #create(Actor, String, ObjectNode)} from a typed document (for bootstraps and tools). */
    public PolicyStore.Stored create(Actor actor, String tenant, PolicyDocument document) {
        return create(actor, tenant, (ObjectNode) json.valueToTree(document));
    }

    /**
     * Replaces the policy whose version is {@code expectedVersion} (else {@link PolicyStore.VersionConflict}).
     * Omitted fields take the configured defaults, except that fields a tenant-admin may not change
     * keep their current value when it omits them.
     */
    public PolicyStore.Stored replace(Actor actor, String tenant, ObjectNode document, long expectedVersion) {
        PolicyStore.Stored current = current(tenant, expectedVersion);
        Checked c = check(actor, tenant, document, Optional.of(current), Optional.of(current), expectedVersion + 1);
        store.update(c.policy(), expectedVersion, actor.subject(), c.disabled());
        policies.invalidateLocal();
        return store.find(tenant).orElseThrow();
    }

    /** Applies an RFC 7396 merge patch to the policy whose version is {@code expectedVersion}. */
    public PolicyStore.Stored patch(Actor actor, String tenant, ObjectNode patch, long expectedVersion) {
        PolicyStore.Stored current = current(tenant, expectedVersion);
        ObjectNode merged = json.valueToTree(PolicyDocument.of(current.policy(), null, null));
        mergePatch(merged, patch);
        Checked c = check(actor, tenant, merged, Optional.of(current), Optional.of(current), expectedVersion + 1);
        store.update(c.policy(), expectedVersion, actor.subject(), c.disabled());
        policies.invalidateLocal();
        return store.find(tenant).orElseThrow();
    }

    /**
     * Deletes the policy whose version is {@code expectedVersion}; the tenant falls back to the
     * {@code default} policy. A tenant-admin may not delete a policy a platform-admin disabled, nor
     * one whose platform-owned fields differ from the default policy's: deleting would undo them.
     */
    public void delete(Actor actor, String tenant, long expectedVersion) {
        PolicyStore.Stored current = current(tenant, expectedVersion);
        if (!actor.platform()) {
            requireNotReservedTenant(tenant);
            List<FieldError> errors = new ArrayList<>();
            PolicyStore.SetBy disabled = disabledBy(current);
            if (disabled != null && disabled.byPlatform()) {
                errors.add(
                        new FieldError(
                                "enabled",
                                "disabled by platform-admin '" + disabled.subject()
                                        + "'; only a platform-admin may delete this policy, since the default policy would apply instead"));
            }
            Optional<PolicyStore.Stored> fallback = store.find(TokenPolicy.DEFAULT_TENANT);
            if (fallback.isPresent()) {
                ObjectNode now = tree(current.policy());
                ObjectNode after = tree(fallback.get().policy());
                for (String field : PlatformCeilings.WRITABLE_FIELDS) {
                    if (!ceilings.tenantAdminMayChange(field) && !Objects.equals(now.get(field), after.get(field))) {
                        errors.add(new FieldError(
                                field,
                                "set by the platform to " + now.get(field)
                                        + "; deleting the policy would make it " + after.get(field)
                                        + " (the default policy's), and only a platform-admin may change it"));
                    }
                }
            }
            if (!errors.isEmpty()) {
                throw ProblemException.builder(
                                ProblemType.PLATFORM_RESERVED,
                                "Deleting this policy would undo what a platform-admin set; ask a platform-admin.")
                        .errors(errors)
                        .build();
            }
        }
        store.delete(tenant, expectedVersion);
        policies.invalidateLocal();
    }

    /** The stored policy, if its version is the expected one. */
    private PolicyStore.Stored current(String tenant, long expectedVersion) {
        PolicyStore.Stored s = store.find(tenant).orElseThrow(() -> new PolicyStore.VersionConflict(-1));
        if (s.policy().version() != expectedVersion) {
            throw new PolicyStore.VersionConflict(s.policy().version());
        }
        return s;
    }

    /**
     * What a write starts from: the tenant's own policy, else the default policy its users get today.
     * A tenant-admin may not create a policy for a tenant the platform has not admitted (no default).
     */
    private Optional<PolicyStore.Stored> base(Actor actor, String tenant, Optional<PolicyStore.Stored> own) {
        if (own.isPresent() || TokenPolicy.DEFAULT_TENANT.equals(tenant)) {
            return own;
        }
        Optional<PolicyStore.Stored> dflt = store.find(TokenPolicy.DEFAULT_TENANT);
        if (dflt.isEmpty() && !actor.platform()) {
            throw ProblemException.of(
                    ProblemType.UNKNOWN_TENANT,
                    "Tenant '" + tenant
                            + "' has no policy and there is no default policy: only a platform-admin may admit it.");
        }
        return dflt;
    }

    private record Checked(TokenPolicy policy, PolicyStore.SetBy disabled) {}

    private Checked check(
            Actor actor,
            String tenant,
            ObjectNode document,
            Optional<PolicyStore.Stored> own,
            Optional<PolicyStore.Stored> base,
            long newVersion) {
        if (!actor.platform()) {
            requireNotReservedTenant(tenant);
        }
        ObjectNode doc = document.deepCopy();
        JsonNode id = doc.get("tenantId");
        if (id != null && !id.isNull() && !tenant.equals(id.asText())) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "The body's tenantId '" + id.asText() + "' does not match the path.")
                    .field("tenantId")
                    .build();
        }
        PlatformCeilings.READ_ONLY_FIELDS.forEach(doc::remove);
        RESPONSE_ONLY_FIELDS.forEach(doc::remove);
        ObjectNode baseTree = base.map(b -> tree(b.policy())).orElse(null);
        if (!actor.platform() && baseTree != null) {
            // A tenant-admin's omitted platform-owned fields keep what its tenant has today.
            for (String field : PlatformCeilings.WRITABLE_FIELDS) {
                JsonNode given = doc.get(field);
                if (!ceilings.tenantAdminMayChange(field) && (given == null || given.isNull()) && baseTree.has(field)) {
                    doc.set(field, baseTree.get(field));
                }
            }
        }
        TokenPolicy p = validate(tenant, doc, newVersion);
        ObjectNode after = tree(p);

        List<FieldError> reserved = new ArrayList<>();
        PolicyStore.SetBy baseDisabled = base.map(PolicyAdmin::disabledBy).orElse(null);
        if (!actor.platform()) {
            for (String field : PlatformCeilings.WRITABLE_FIELDS) {
                if (!ceilings.tenantAdminMayChange(field)
                        && baseTree != null
                        && !Objects.equals(baseTree.get(field), after.get(field))) {
                    reserved.add(new FieldError(
                            field,
                            "only a platform-admin may change it (it is " + baseTree.get(field)
                                    + "; livetoken.platform.tenant-admin-fields)"));
                }
            }
            if (p.enabled() && baseDisabled != null && baseDisabled.byPlatform()) {
                reserved.add(new FieldError(
                        "enabled",
                        "disabled by platform-admin '" + baseDisabled.subject()
                                + "'; only a platform-admin may enable it"));
            }
        }
        // Values this write does not change are left alone: a policy stored before a ceiling was
        // lowered is clamped at mint time, and must not stop its admins from changing anything else.
        ObjectNode ownTree = own.map(o -> tree(o.policy())).orElse(null);
        List<FieldError> beyond = java.util.stream.Stream.concat(
                        ceilings.violations(p).stream(), interpreterCeilings.violations(p).stream())
                .filter(e -> ownTree == null || !Objects.equals(ownTree.get(e.field()), after.get(e.field())))
                .toList();
        if (!reserved.isEmpty()) {
            List<FieldError> all = new ArrayList<>(reserved);
            all.addAll(beyond);
            throw ProblemException.builder(
                            ProblemType.PLATFORM_RESERVED,
                            "A tenant-admin may not change " + reserved.size()
                                    + " of these field(s); see errors (GET /admin/v1/platform lists what it may change).")
                    .errors(all)
                    .build();
        }
        if (!beyond.isEmpty()) {
            throw ProblemException.builder(
                            ProblemType.PLATFORM_CEILING,
                            beyond.size() + " field(s) exceed the platform's ceilings (GET /admin/v1/platform).")
                    .errors(beyond)
                    .build();
        }
        PolicyStore.SetBy disabled = p.enabled()
                ? null
                : baseDisabled != null ? baseDisabled : new PolicyStore.SetBy(actor.subject(), actor.role());
        return new Checked(p, disabled);
    }

    /** Who disabled a stored policy; one disabled before that was recorded counts as the platform's. */
    static PolicyStore.SetBy disabledBy(PolicyStore.Stored s) {
        if (s.policy().enabled()) {
            return null;
        }
        return s.disabled() != null ? s.disabled() : new PolicyStore.SetBy(s.updatedBy(), PolicyStore.PLATFORM_ADMIN);
    }

    private TokenPolicy validate(String tenant, ObjectNode doc, long version) {
        PolicyDocument d;
        try {
            d = json.treeToValue(doc, PolicyDocument.class);
        } catch (JsonProcessingException e) {
            throw ProblemMappers.fromJackson(e);
        }
        PolicyDocument.Result r = d.toPolicy(tenant, version, policies.defaults(), languages);
        if (r.policy() == null) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "The policy is invalid: " + r.errors().size() + " field(s) to fix.")
                    .errors(r.errors())
                    .build();
        }
        return r.policy();
    }

    private ObjectNode tree(TokenPolicy p) {
        return json.valueToTree(PolicyDocument.of(p, null, null));
    }

    private static void requireNotReservedTenant(String tenant) {
        if (TokenPolicy.DEFAULT_TENANT.equals(tenant)) {
            throw ProblemException.of(
                    ProblemType.PLATFORM_RESERVED,
                    "The default policy, which every tenant without its own uses, is administered by platform-admins only.");
        }
    }

    /** RFC 7396: null removes a member, an object merges, anything else replaces. */
    public static void mergePatch(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else if (e.getValue().isObject() && target.get(e.getKey()) instanceof ObjectNode t) {
                mergePatch(t, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }
}
