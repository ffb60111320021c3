package dev.livetoken.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.livetoken.auth.CallerResolver;
import dev.livetoken.policy.PolicyAdmin;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.policy.PolicyStore;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;

/**
 * The bootstrap policies file ({@code livetoken.bootstrap.policies-file}): tenant policies (and
 * the {@code default} policy) an operator ships with the deployment, so the first users are served
 * without anyone calling the admin API. Each entry is validated exactly as a platform-admin's PUT
 * would be, and created only if its tenant has no policy yet: an edit made later through the admin
 * API is never overwritten, and replicas starting together create each policy once.
 *
 * <pre>{"policies": {"default": {...}, "acme": {"allowedTargetLanguages": ["es", "fr"]}}}</pre>
 */
@ApplicationScoped
public class PolicySeed {

    static final String PROPERTY = "livetoken.bootstrap.policies-file";
    static final String ENV = "LIVETOKEN_BOOTSTRAP_POLICIES_FILE";
    /** The {@code updatedBy} of a policy the file created. */
    static final String CREATED_BY = "bootstrap-file";

    private static final Logger LOG = Logger.getLogger(PolicySeed.class);
    /** Fields the server sets; a file naming them was probably exported from the API and needs trimming. */
    private static final Set<String> READ_ONLY = Set.of("version", "updatedAt", "updatedBy");

    /** The file's policies, valid and ready to insert, or the reasons it cannot be used. */
    record Loaded(Path file, List<TokenPolicy> policies, List<String> problems) {}

    private final PolicyAdmin admin;
    private final PolicyStore store;
    private final PolicyService policies;
    private final ObjectMapper json;

    PolicySeed(PolicyAdmin admin, PolicyStore store, PolicyService policies, ObjectMapper json) {
        this.admin = admin;
        this.store = store;
        this.policies = policies;
        this.json = json;
    }

    /** Reads and validates the whole file, collecting every problem (each naming tenant and field). */
    Loaded load(Path file) {
        List<String> problems = new ArrayList<>();
        List<TokenPolicy> out = new ArrayList<>();
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                return failed(file, Files.exists(file) ? "not a regular file" : "file not found");
            }
            if (!Files.isReadable(file)) {
                return failed(file, "file not readable by this process (check its owner and mode)");
            }
            root = json.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            return failed(
                    file,
                    "not valid JSON"
                            + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()));
        } catch (IOException e) {
            return failed(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject() || !root.path("policies").isObject()) {
            return failed(file, "must be a JSON object {\"policies\": {\"<tenant>\": {<policy>}, ...}}");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("policies")) {
                problems.add("unknown field '" + name + "' (only 'policies' is allowed)");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("policies").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String tenant = e.getKey();
            String at = "policies." + tenant;
            if (!CallerResolver.TENANT_ID.matcher(tenant).matches()) {
                problems.add(at + ": '" + tenant + "' is not a valid tenant id (1 to 64 letters, digits, '.', '_' "
                        + "or '-', starting with a letter or digit)");
                continue;
            }
            if (!e.getValue().isObject()) {
                problems.add(at + ": must be a policy object");
                continue;
            }
            ObjectNode doc = ((ObjectNode) e.getValue()).deepCopy();
            List<String> readOnly = READ_ONLY.stream().filter(doc::has).sorted().toList();
            if (!readOnly.isEmpty()) {
                problems.add(at + "." + readOnly.get(0) + ": read-only; remove " + String.join(", ", readOnly));
                continue;
            }
            try {
                out.add(admin.validateAsPlatform(tenant, doc));
            } catch (ProblemException p) {
                if (!p.errors().isEmpty()) {
                    p.errors().forEach(fe -> problems.add(at + "." + fe.field() + ": " + fe.message()));
                } else {
                    problems.add(at + (p.field() == null ? "" : "." + p.field()) + ": " + p.getMessage());
                }
            } catch (ProblemException.Wrapped w) {
                problems.add(at + jsonProblem((JsonProcessingException) w.getCause()));
            }
        }
        return new Loaded(file, problems.isEmpty() ? List.copyOf(out) : List.of(), List.copyOf(problems));
    }

    /**
     * Creates each policy whose tenant has none yet; returns the tenants created. A policy a
     * concurrent replica created first counts as existing, not as a failure.
     */
    List<String> apply(Loaded loaded) {
        List<String> created = new ArrayList<>();
        for (TokenPolicy p : loaded.policies()) {
            if (insertIfAbsent(p)) {
                created.add(p.tenantId());
            }
        }
        if (!created.isEmpty()) {
            policies.invalidateLocal();
        }
        List<String> kept = loaded.policies().stream()
                .map(TokenPolicy::tenantId)
                .filter(t -> !created.contains(t))
                .toList();
        LOG.infof(
                "Bootstrap policies file %s: created %s, kept the stored policy of %s",
                loaded.file(), created.isEmpty() ? "none" : created, kept.isEmpty() ? "none" : kept);
        return created;
    }

    /** False when the tenant has a policy already, a concurrent replica's included (PolicyStore.insert). */
    private boolean insertIfAbsent(TokenPolicy p) {
        return store.insert(p, CREATED_BY);
    }

    private static Loaded failed(Path file, String reason) {
        return new Loaded(file, List.of(), List.of(reason));
    }

    private static String jsonProblem(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            String why = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                    ? "unknown field"
                    : "wrong type";
            return "." + field + ": " + why;
        }
        return ": " + e.getOriginalMessage();
    }
}
