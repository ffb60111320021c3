package dev.livetoken.emulator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Emulates {@code POST /v1alpha/auth_tokens} (and {@code /v1beta/}) per docs/live-api-protocol.md §1:
 * the flat {@code AuthToken} body, Google's defaults and 20-hour bound, Google's error shape, and
 * an opaque {@code auth_tokens/…} name. Registered only when the emulator is switched on.
 */
@ApplicationScoped
public class AuthTokensEmulator {

    static final Duration DEFAULT_EXPIRE = Duration.ofMinutes(30);
    static final Duration DEFAULT_NEW_SESSION = Duration.ofSeconds(60);
    static final Duration MAX_AHEAD = Duration.ofHours(20);
    private static final Set<String> TOKEN_FIELDS =
            Set.of("name", "uses", "expireTime", "newSessionExpireTime", "bidiGenerateContentSetup", "fieldMask");
    private static final Logger LOG = Logger.getLogger(AuthTokensEmulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmulatorConfig config;
    private final EmulatorTokenStore store;

    AuthTokensEmulator(EmulatorConfig config, EmulatorTokenStore store) {
        this.config = config;
        this.store = store;
    }

    void routes(@Observes Router router) {
        if (!config.enabled()) {
            return;
        }
        for (String version : List.of("v1alpha", "v1beta")) {
            router.post("/" + version + "/auth_tokens")
                    .order(-100)
                    .handler(BodyHandler.create().setBodyLimit(256 * 1024))
                    .handler(this::create);
        }
    }

    void purgeRegularly(@Observes StartupEvent ev, Vertx vertx) {
        if (config.enabled()) {
            LOG.warn("The Google endpoint emulator is ON: tokens minted here work only against this emulator.");
            vertx.setPeriodic(60_000, id -> store.purgeExpired());
        }
    }

    void create(RoutingContext ctx) {
        if (!ApiKeyCheck.admit(ctx, config.apiKeys(), "Ephemeral tokens cannot be used to create auth tokens.")) {
            return;
        }
        if (store.size() >= config.maxTokens()) {
            store.purgeExpired();
            if (store.size() >= config.maxTokens()) {
                GoogleError.send(ctx, 429, "RESOURCE_EXHAUSTED", "Too many live tokens in the emulator.");
                return;
            }
        }
        try {
            JsonNode body = parse(ctx);
            Instant now = store.now();
            int uses = uses(body.get("uses"));
            Instant expire = time(body.get("expireTime"), "expire_time", now, now.plus(DEFAULT_EXPIRE));
            Instant newSession = time(
                    body.get("newSessionExpireTime"), "new_session_expire_time", now, now.plus(DEFAULT_NEW_SESSION));
            // [?] Google's answers are undocumented; the stricter choice (docs/live-api-protocol.md, emulator
            // decisions)
            if (!expire.isAfter(now)) {
                throw new SetupSchema.InvalidSetup("expire_time must be in the future.");
            }
            if (newSession.isAfter(expire) && !body.path("newSessionExpireTime").isMissingNode()) {
                throw new SetupSchema.InvalidSetup("new_session_expire_time must not be after expire_time.");
            }
            if (newSession.isAfter(expire)) {
                newSession = expire; // the 60 s default never outlives the token
            }
            JsonNode rawSetup = body.get("bidiGenerateContentSetup");
            ObjectNode setup = rawSetup == null || rawSetup.isNull()
                    ? null
                    : SetupSchema.normalise(rawSetup, "bidi_generate_content_setup");
            JsonNode rawMask = body.get("fieldMask");
            List<String> mask = null;
            if (rawMask != null && !rawMask.isNull()) {
                if (!rawMask.isTextual()) {
                    throw new SetupSchema.InvalidSetup(
                            "Invalid value at 'field_mask' (type.googleapis.com/google.protobuf.FieldMask), expected a string.");
                }
                List<String> parsed = SetupSchema.parseMask(rawMask.asText());
                mask = parsed.isEmpty() ? null : parsed;
            }
            String name = store.create(uses, expire, newSession, setup, mask);
            ctx.response()
                    .setStatusCode(200)
                    .putHeader("content-type", "application/json; charset=UTF-8")
                    .end(new JsonObject().put("name", name).encode());
        } catch (SetupSchema.InvalidSetup e) {
            GoogleError.send(ctx, 400, "INVALID_ARGUMENT", e.getMessage());
        }
    }

    private static JsonNode parse(RoutingContext ctx) {
        JsonNode body;
        try {
            String text = ctx.body().asString();
            body = text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new SetupSchema.InvalidSetup("Invalid JSON payload received.");
        }
        if (body == null || !body.isObject()) {
            throw new SetupSchema.InvalidSetup("Invalid JSON payload received. Expected an object.");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOKEN_FIELDS.contains(SetupSchema.camel(f))) {
                throw new SetupSchema.InvalidSetup(
                        "Invalid JSON payload received. Unknown name \"" + f + "\": Cannot find field.");
            }
        }
        // proto JSON accepts snake_case too: bring every top-level name to camelCase
        ObjectNode camel = JSON.createObjectNode();
        body.fields().forEachRemaining(e -> camel.set(SetupSchema.camel(e.getKey()), e.getValue()));
        return camel;
    }

    private static int uses(JsonNode n) {
        if (n == null || n.isNull()) {
            return 1;
        }
        long v;
        if (n.isIntegralNumber()) {
            v = n.asLong();
        } else if (n.isTextual() && n.asText().matches("-?\\d{1,10}")) {
            v = Long.parseLong(n.asText());
        } else {
            throw new SetupSchema.InvalidSetup("Invalid value at 'uses' (TYPE_INT32).");
        }
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new SetupSchema.InvalidSetup("uses must be 0 (unlimited) or a positive number.");
        }
        return (int) v;
    }

    private static Instant time(JsonNode n, String field, Instant now, Instant dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(n.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new SetupSchema.InvalidSetup("Invalid value at '" + field
                    + "' (type.googleapis.com/google.protobuf.Timestamp), Field '" + field
                    + "', Illegal timestamp format.");
        }
        if (!t.isBefore(now.plus(MAX_AHEAD))) {
            throw new SetupSchema.InvalidSetup(field + " must be less than 20 hours in the future.");
        }
        return t;
    }
}
