package dev.livetoken.support;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records every log line (formatted, with its throwable chain) while open. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Logger root = Logger.getLogger("");

    /**
     * Starts capturing. The capture applies the same filters as the application's own root
     * handlers, so it records what the console or a log file would really receive.
     */
    public static LogCapture start() {
        LogCapture c = new LogCapture();
        c.setLevel(java.util.logging.Level.ALL);
        for (Handler h : c.root.getHandlers()) {
            if (h.getFilter() != null) {
                c.filters.add(h.getFilter());
            }
        }
        c.root.addHandler(c);
        return c;
    }

    private final List<java.util.logging.Filter> filters = new ArrayList<>();

    @Override
    public synchronized void publish(LogRecord r) {
        for (java.util.logging.Filter f : filters) {
            if (!f.isLoggable(r)) {
                return;
            }
        }
        StringBuilder b = new StringBuilder(r.getLoggerName() + " " + r.getLevel() + " ");
        String msg = r instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage();
        Object[] params = r.getParameters();
        try {
            if (!(r instanceof org.jboss.logmanager.ExtLogRecord) && params != null && params.length > 0) {
                msg = msg.contains("%") ? String.format(msg, params) : java.text.MessageFormat.format(msg, params);
            }
        } catch (RuntimeException e) {
            msg = msg + " " + java.util.Arrays.toString(params);
        }
        b.append(msg);
        if (r instanceof org.jboss.logmanager.ExtLogRecord ext && ext.getMdc("requestId") != null) {
            // the MDC request id, as the console format (%X{requestId}) and JSON logs show it
            b.append(" [rid=").append(ext.getMdc("requestId")).append(']');
        }
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            b.append(" | ").append(t);
        }
        lines.add(b.toString());
    }

    public synchronized String all() {
        return String.join("\n", lines);
    }

    public synchronized int size() {
        return lines.size();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
