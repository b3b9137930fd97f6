package io.lockstep.app.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated sweep spec. Option maps use {@code lockstep train} long option names without
 * the leading dashes and keep the spec's order; values are the scalars as written (as text).
 *
 * @param file            where the spec was read from
 * @param text            the spec file's content, copied to the sweep directory as given
 * @param name            [a-z0-9-]+, the default output directory's name
 * @param description     free text, may be null
 * @param expectedRuntime free text, may be null
 * @param base            options of every run
 * @param grid            key → values; runs are the cartesian product (empty: one point)
 * @param runs            explicit override maps, crossed with the grid (one empty map when absent)
 * @param stop            stop criteria as train options ({@code steps}, {@code epochs}, {@code target-accuracy})
 * @param sweptKeys       every key of {@code runs} and {@code grid}, in spec order
 */
public record SweepSpec(Path file, String text, String name, String description, String expectedRuntime,
                        Map<String, String> base, Map<String, List<String>> grid, List<Map<String, String>> runs,
                        Map<String, String> stop, List<String> sweptKeys) {
    public SweepSpec {
        base = frozen(base);
        Map<String, List<String>> g = new LinkedHashMap<>();
        grid.forEach((k, v) -> g.put(k, List.copyOf(v)));
        grid = Collections.unmodifiableMap(g);
        List<Map<String, String>> r = new ArrayList<>();
        runs.forEach(m -> r.add(frozen(m)));
        runs = List.copyOf(r);
        stop = frozen(stop);
        sweptKeys = List.copyOf(sweptKeys);
    }

    private static Map<String, String> frozen(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
