package dev.livetoken.ops;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

/**
 * A log filter that never drops a record but rewrites its message and exception chain through
 * {@link SecretRedactor} before any handler formats it.
 */
public final class RedactingLogFilter implements Filter {

    private final SecretRedactor redactor;
    private final Filter next;

    public RedactingLogFilter(SecretRedactor redactor, Filter next) {
        this.redactor = redactor;
        this.next = next;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message;
        if (record instanceof ExtLogRecord ext) {
            message = ext.getFormattedMessage();
            String clean = redactor.redact(message);
            if (clean != null && !clean.equals(message)) {
                ext.setMessage(clean, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        } else {
            message = record.getMessage();
            if (record.getParameters() == null || record.getParameters().length == 0) {
                String clean = redactor.redact(message);
                if (clean != null && !clean.equals(message)) {
                    record.setMessage(clean);
                }
            } else {
                // Formatting is the handler's job; clean every parameter's text instead.
                Object[] params = record.getParameters().clone();
                for (int i = 0; i < params.length; i++) {
                    if (params[i] != null) {
                        String p = String.valueOf(params[i]);
                        String clean = redactor.redact(p);
                        if (!clean.equals(p)) {
                            params[i] = clean;
                        }
                    }
                }
                record.setParameters(params);
                record.setMessage(redactor.redact(message));
            }
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && chainNeedsRedaction(thrown)) {
            record.setThrown(RedactedThrowable.copy(thrown, redactor));
        }
        return next == null || next.isLoggable(record);
    }

    private boolean chainNeedsRedaction(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (redactor.needsRedaction(t.getMessage()) || redactor.needsRedaction(t.toString())) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (chainNeedsRedaction(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Stands in for an exception whose message held a secret: same class name and stack, clean text. */
    static final class RedactedThrowable extends RuntimeException {
        private final String originalClass;

        private RedactedThrowable(String originalClass, String message, Throwable cause) {
            super(message, cause, false, true);
            this.originalClass = originalClass;
        }

        static Throwable copy(Throwable t, SecretRedactor redactor) {
            return copy(t, redactor, 0);
        }

        private static Throwable copy(Throwable t, SecretRedactor redactor, int depth) {
            if (t == null || depth > 20) {
                return null;
            }
            Throwable cause = t.getCause() == t ? null : copy(t.getCause(), redactor, depth + 1);
            RedactedThrowable r = new RedactedThrowable(t.getClass().getName(), redactor.redact(t.getMessage()), cause);
            r.setStackTrace(t.getStackTrace());
            return r;
        }

        @Override
        public String toString() {
            String m = getLocalizedMessage();
            return m == null ? originalClass : originalClass + ": " + m;
        }
    }
}
