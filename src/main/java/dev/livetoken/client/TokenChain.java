package dev.livetoken.client;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tokens one Live session goes through, as the service sees them: the first one minted, each
 * next one renewed from the one before ({@code POST /v1/tokens/renew}, docs/sessions.md), and one
 * session report per token at the end ({@code POST /v1/sessions}). The single-session client and
 * each session of a conversation ({@link ConversationRunner}) keep one chain each, so a pair's two
 * directions renew and report independently. Thread-safe; never prints a token.
 */
final class TokenChain {

    private final TokenServiceClient service;
    private final String jwt;
    private final AtomicReference<String> current;
    private final AtomicReference<LiveTranslateSession> session = new AtomicReference<>();
    private final SessionReporter reporter = new SessionReporter();

    /**
     * @param service null when the token was given by the user: it cannot be renewed or reported
     * @param first the token the session opens with
     */
    TokenChain(TokenServiceClient service, String jwt, String first) {
        this.service = service;
        this.jwt = jwt;
        this.current = new AtomicReference<>(first);
        reporter.start(first, 0);
    }

    /** The renewer for {@link LiveTranslateSession.Options}; null when there is no service to ask. */
    LiveTranslateSession.TokenRenewer renewer() {
        if (service == null) {
            return null;
        }
        return reason -> {
            LiveTranslateSession s = session.get();
            MintedToken fresh;
            if (LiveTranslateSession.RENEWING_AHEAD.equals(reason)) {
                // the old token still works: ask first, so a refusal leaves its report running;
                // its part ends with a normal close (the client closes it once it delivered)
                fresh = service.renew(jwt, current.get());
                end(s, 1000, "handed over to a renewed token");
            } else {
                // the old token's part ended with the close that said it is spent, renewed or not
                end(s, s == null ? 1008 : s.lastCloseCode(), reason);
                fresh = service.renew(jwt, current.get());
            }
            current.set(fresh.token());
            reporter.start(fresh.token(), s == null ? 0 : resumptions(s));
            return fresh;
        };
    }

    private void end(LiveTranslateSession s, int code, String reason) {
        reporter.end(s == null ? 0 : resumptions(s), code, reason, s == null ? null : s.usage());
    }

    /** The session that uses the chain (its close codes, usage and resumptions go into the reports). */
    void attach(LiveTranslateSession s) {
        session.set(s);
    }

    /** Audio sent to the session, in bytes of 16 kHz PCM (replays after a resumption are not counted). */
    void sent(int bytes) {
        reporter.sent(bytes);
    }

    /** Audio received, in bytes of 24 kHz PCM. */
    void received(int bytes) {
        reporter.received(bytes);
    }

    /** The token in use now; never print it. */
    String currentToken() {
        return current.get();
    }

    /**
     * Reports the session ({@code POST /v1/sessions}): one report per token it used, the last one
     * ending now with the close that ended it (1000 when the client closed normally). A report the
     * service refuses is mentioned, never fatal.
     */
    void report(LiveClientException failed, PrintStream err) {
        if (service == null) {
            return;
        }
        LiveTranslateSession s = session.get();
        int code = 1000;
        String reason = "done";
        if (failed != null) {
            boolean noFrame = failed.kind() != LiveClientException.Kind.CLOSED_BY_SERVER || failed.closeCode() < 1000;
            code = noFrame ? 1006 : failed.closeCode();
            reason = noFrame ? "" : failed.closeReason();
        }
        end(s, code, reason);
        for (var r : reporter.reports()) {
            try {
                service.reportSession(jwt, r);
            } catch (LiveClientException e) {
                err.println("session report not sent: " + e.getMessage());
            }
        }
    }

    /** Prints the token doctor's findings for a failure the session could not recover from. */
    void diagnose(LiveClientException e, PrintStream err) {
        if (service != null
                && (e.kind() == LiveClientException.Kind.CLOSED_BY_SERVER
                        || e.kind() == LiveClientException.Kind.RECOVERY_EXHAUSTED
                        || e.kind() == LiveClientException.Kind.LIVE_UNREACHABLE)) {
            LiveTranslateCli.diagnose(service, jwt, current.get(), e, err);
        }
    }

    /** Resumptions so far, not counting the new sessions a renewal started. */
    static int resumptions(LiveTranslateSession s) {
        return (int) s.recoveries().stream().filter(r -> !r.newSession()).count();
    }
}
