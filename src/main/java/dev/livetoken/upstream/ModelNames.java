package dev.livetoken.upstream;

import java.util.Locale;

/**
 * The one place that knows the API's {@code models/} prefix: the SDKs add it to a bare model name
 * (docs/live-api-protocol.md §1, JV {@code Transformers.tModel}), so names are compared without it
 * and sent with it.
 */
public final class ModelNames {

    public static final String PREFIX = "models/";

    private ModelNames() {}

    /** {@code gemini-x} or {@code models/gemini-x} → {@code models/gemini-x}. */
    public static String qualified(String model) {
        return model.startsWith(PREFIX) ? model : PREFIX + model;
    }

    /** {@code models/gemini-x} → {@code gemini-x}; a bare name stays as it is. */
    public static String bare(String model) {
        return model.startsWith(PREFIX) ? model.substring(PREFIX.length()) : model;
    }

    /** The same model, whether named with or without the prefix, in any case. */
    public static String comparable(String model) {
        return bare(model.trim()).toLowerCase(Locale.ROOT);
    }
}
