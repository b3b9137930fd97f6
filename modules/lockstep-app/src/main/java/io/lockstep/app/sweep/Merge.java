package io.lockstep.app.sweep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges option layers (base, runs entry, grid point, stop): a later layer overrides a key, and
 * setting one of two alternative options ({@code steps}/{@code epochs},
 * {@code warmup-steps}/{@code warmup-epochs}) drops the other from earlier layers.
 */
final class Merge {
    private static final Map<String, String> ALTERNATIVES = Map.of("steps", "epochs", "epochs", "steps",
            "warmup-steps", "warmup-epochs", "warmup-epochs", "warmup-steps");

    private Merge() {}

    /** The option that {@code key} replaces, or null. */
    static String alternative(String key) {
        return ALTERNATIVES.get(key);
    }

    static Map<String, String> layers(List<Map<String, String>> layers) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (Map<String, String> layer : layers) {
            for (String key : layer.keySet()) {
                String alt = alternative(key);
                if (alt != null && !layer.containsKey(alt)) {
                    merged.remove(alt);
                }
            }
            merged.putAll(layer);
        }
        return merged;
    }
}
