package dev.livetoken.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Google's {@code google.rpc.Status} JSON error shape, as the SDKs parse it. */
final class GoogleError {

    private GoogleError() {}

    static void send(RoutingContext ctx, int code, String status, String message) {
        send(ctx, code, status, message, null);
    }

    static void send(RoutingContext ctx, int code, String status, String message, JsonArray details) {
        JsonObject error =
                new JsonObject().put("code", code).put("message", message).put("status", status);
        if (details != null) {
            error.put("details", details);
        }
        ctx.response()
                .setStatusCode(code)
                .putHeader("content-type", "application/json; charset=UTF-8")
                .end(new JsonObject().put("error", error).encode());
    }

    static JsonArray errorInfo(String reason) {
        return new JsonArray()
                .add(new JsonObject()
                        .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                        .put("reason", reason)
                        .put("domain", "googleapis.com"));
    }
}
