package dev.livetoken.client;

import java.io.PrintStream;

/** A failure the reference client reports to its user, with the process exit code it maps to. */
public class LiveClientException extends RuntimeException {

    /** What went wrong, from the user's point of view. */
    public enum Kind {
        USAGE(2),
        BAD_INPUT(2),
        SERVICE_UNREACHABLE(3),
        MINT_REFUSED(4),
        CLOSED_BY_SERVER(5),
        LIVE_UNREACHABLE(6),
        RECOVERY_EXHAUSTED(7),
        IO(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;
    private final int closeCode;
    private final String closeReason;

    public LiveClientException(Kind kind, String message) {
        this(kind, message, 0, null);
    }

    public LiveClientException(Kind kind, String message, Throwable cause) {
        this(kind, message, 0, cause);
    }

    public LiveClientException(Kind kind, String message, int closeCode, Throwable cause) {
        this(kind, message, closeCode, null, cause);
    }

    public LiveClientException(Kind kind, String message, int closeCode, String closeReason, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The WebSocket close code, for {@link Kind#CLOSED_BY_SERVER} and {@link Kind#RECOVERY_EXHAUSTED};
     * the HTTP status of a refused upgrade for {@link Kind#LIVE_UNREACHABLE}; else 0.
     */
    public int closeCode() {
        return closeCode;
    }

    /** The close reason the server gave, or null. */
    public String closeReason() {
        return closeReason;
    }

    /**
     * Tells a command-line user what went wrong on {@code err} (and, for a usage error, how to call
     * the command: {@code usage}); returns the process exit code.
     */
    public int report(PrintStream err, String usage) {
        err.println("error: " + getMessage());
        if (kind == Kind.USAGE) {
            err.print(usage);
        }
        return kind.exitCode();
    }
}
