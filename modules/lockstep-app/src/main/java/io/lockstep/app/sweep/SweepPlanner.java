package io.lockstep.app.sweep;

import io.lockstep.app.UsageException;
import io.lockstep.app.train.TrainCommand;
import io.lockstep.app.train.TrainRun;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Expands a spec into its runs — (runs list) × (grid product), each merged as base, runs entry, grid
 * point, stop — names them from the swept options that vary, and parses every run's arguments with
 * {@code lockstep train}'s own option parser before anything runs.
 */
final class SweepPlanner {
    private static final int MAX_NAME = 200;

    private SweepPlanner() {}

    /** The runs of {@code spec}, in order: the runs list outermost, then the grid with its first key slowest. */
    static List<PlannedRun> plan(SweepSpec spec) {
        List<Map<String, String>> merged = new ArrayList<>();
        for (Map<String, String> run : spec.runs()) {
            for (Map<String, String> point : gridPoints(spec.grid())) {
                merged.add(Merge.layers(List.of(spec.base(), run, point, spec.stop())));
            }
        }
        List<String> varying = varying(spec.sweptKeys(), merged);
        List<PlannedRun> plan = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < merged.size(); i++) {
            Map<String, String> options = merged.get(i);
            for (int j = 0; j < i; j++) {
                if (merged.get(j).equals(options)) {
                    throw new SpecException(spec.file(), "runs " + plan.get(j).name() + " and #" + (i + 1)
                            + " have identical options " + options);
                }
            }
            String name = unique(baseName(varying, options), used);
            if (name.length() > MAX_NAME) {
                throw new SpecException(spec.file(), "run name '" + name.substring(0, 60) + "...' is longer than "
                        + MAX_NAME + " characters; shorten the swept values");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : spec.sweptKeys()) {
                if (options.containsKey(key)) {
                    params.put(key, options.get(key));
                }
            }
            plan.add(new PlannedRun(name, options, params, args(options)));
        }
        return plan;
    }

    /**
     * The run spec of every planned run, its options parsed and checked exactly as {@code lockstep train}
     * would, except that a run checkpoints only if the spec sets {@code checkpoint-every} (a rerun sweep
     * starts interrupted runs over); the first problem is reported with the spec file and the run's name.
     */
    static List<TrainRun> parse(SweepSpec spec, List<PlannedRun> plan) {
        List<TrainRun> runs = new ArrayList<>();
        for (PlannedRun run : plan) {
            List<String> args = new ArrayList<>(run.args());
            if (!run.options().containsKey("checkpoint-every")) {
                args.add("--checkpoint-every=0");
            }
            try {
                runs.add(TrainCommand.parse(args));
            } catch (UsageException | IllegalArgumentException e) {
                throw new SpecException(spec.file(), "run '" + run.name() + "': " + e.getMessage());
            }
        }
        return runs;
    }

    private static List<Map<String, String>> gridPoints(Map<String, List<String>> grid) {
        List<Map<String, String>> points = new ArrayList<>(List.of(Map.of()));
        for (Map.Entry<String, List<String>> axis : grid.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String value : axis.getValue()) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.put(axis.getKey(), value);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** Swept keys whose value (or absence) differs between runs, in spec order. */
    private static List<String> varying(List<String> swept, List<Map<String, String>> runs) {
        List<String> varying = new ArrayList<>();
        for (String key : swept) {
            Set<String> values = new HashSet<>();
            runs.forEach(r -> values.add(Objects.toString(r.get(key), "\0absent")));
            if (values.size() > 1) {
                varying.add(key);
            }
        }
        return varying;
    }

    private static String baseName(List<String> varying, Map<String, String> options) {
        List<String> parts = new ArrayList<>();
        for (String key : varying) {
            if (options.containsKey(key)) {
                parts.add(key + "-" + options.get(key).replaceAll("[^A-Za-z0-9.-]", "-"));
            }
        }
        return parts.isEmpty() ? "run" : String.join("_", parts);
    }

    /** Different options that sanitise to the same name get "-2", "-3", ... in plan order. */
    private static String unique(String name, Set<String> used) {
        String candidate = name;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = name + "-" + n;
        }
        return candidate;
    }

    private static List<String> args(Map<String, String> options) {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args;
    }
}
