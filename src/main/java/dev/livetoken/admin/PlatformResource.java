package dev.livetoken.admin;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.security.Authenticated;

import dev.livetoken.policy.InterpreterCeilings;
import dev.livetoken.policy.PlatformCeilings;

/**
 * {@code GET /admin/v1/platform}: the operator's ceilings ({@code livetoken.platform.*}, the
 * interpreter's under {@code interpreter}) and the policy fields a tenant-admin may change, so a
 * tenant-admin learns its bounds before a write is refused.
 */
@Path("/admin/v1/platform")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {

    /** What the view shows: every {@code livetoken.platform.*} setting, nested as the properties are. */
    public record PlatformView(@JsonUnwrapped PlatformCeilings ceilings, Interpreter interpreter) {}

    /** {@code livetoken.platform.interpreter.*} (docs/conversations.md). */
    public record Interpreter(
            List<String> allowedModels, boolean customTemplates, int maxTemplateLength, String defaultTemplate) {

        static Interpreter of(InterpreterCeilings c) {
            return new Interpreter(c.allowedModels(), c.customTemplates(), c.maxTemplateLength(), c.defaultTemplate());
        }
    }

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PlatformView view;

    PlatformResource(JsonWebToken jwt, AdminAccess access, PlatformCeilings ceilings, InterpreterCeilings interpreter) {
        this.jwt = jwt;
        this.access = access;
        this.view = new PlatformView(ceilings, Interpreter.of(interpreter));
    }

    @GET
    public PlatformView get() {
        access.admin(jwt);
        return view;
    }
}
