package io.lockstep.app.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a sweep.
 *
 * @param name    unique, stable, file-name safe; built from the swept options that vary
 * @param options the merged train options (base, runs entry, grid point, stop), in spec order
 * @param params  the value of every swept key in this run (absent when the run does not set it)
 * @param args    the {@code lockstep train} arguments ({@code --key=value}) the run is parsed from
 */
public record PlannedRun(String name, Map<String, String> options, Map<String, String> params, List<String> args) {
    public PlannedRun {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        args = List.copyOf(args);
    }
}
