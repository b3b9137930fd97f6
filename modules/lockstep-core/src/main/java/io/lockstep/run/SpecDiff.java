package io.lockstep.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The differences between two run specs, field by field (dotted paths of their JSON, e.g.
 * {@code train.lr}, {@code train.optimizer.momentum}, {@code data.train.path}), each classified as
 * changing the math (the trained parameters) or not: total steps/epochs, evaluation cadence, output
 * and checkpoint cadence, the Spark master and the step transport may change; everything else changes the math.
 */
public final class SpecDiff {
    private static final Set<String> MAY_CHANGE = Set.of("train.steps", "train.epochs", "train.evalEvery", "master",
            "transport.kind", "transport.stepTimeoutSeconds");
    private static final String OUTPUT = "output.";

    private SpecDiff() {}

    /** One differing field; {@code before} and {@code after} are JSON text ("null" when absent). */
    public record Difference(String field, String before, String after, boolean changesMath) {}

    /** True if a change of {@code field} leaves the trained parameters unchanged. */
    public static boolean mayChange(String field) {
        return MAY_CHANGE.contains(field) || field.startsWith(OUTPUT);
    }

    /** Every differing field of {@code before} and {@code after}, in field order. */
    public static List<Difference> of(RunSpec before, RunSpec after) {
        List<Difference> out = new ArrayList<>();
        compare("", SpecJson.tree(before), SpecJson.tree(after), out);
        return out;
    }

    /** Only the differences that change the math. */
    public static List<Difference> mathChanges(List<Difference> diffs) {
        return diffs.stream().filter(Difference::changesMath).toList();
    }

    /** {@code base} with the {@code fields} of {@code from} (each a path from {@link #of}); validated again. */
    public static RunSpec overlay(RunSpec base, RunSpec from, Predicate<String> fields) {
        ObjectNode result = SpecJson.tree(base).deepCopy();
        for (Difference d : of(base, from)) {
            if (fields.test(d.field())) {
                set(result, d.field(), at(SpecJson.tree(from), d.field()));
            }
        }
        return SpecJson.fromTree(result);
    }

    private static void compare(String field, JsonNode a, JsonNode b, List<Difference> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            for (String name : names(a, b)) {
                compare(field.isEmpty() ? name : field + "." + name, a.get(name), b.get(name), out);
            }
        } else if (!text(a).equals(text(b))) {
            out.add(new Difference(field, text(a), text(b), !mayChange(field)));
        }
    }

    private static Set<String> names(JsonNode a, JsonNode b) {
        Set<String> names = new LinkedHashSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "null" : n.isTextual() ? n.asText() : n.toString();
    }

    private static JsonNode at(JsonNode root, String field) {
        JsonNode n = root;
        for (String part : field.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n;
    }

    private static void set(ObjectNode root, String field, JsonNode value) {
        String[] parts = field.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            n = n.get(parts[i]) instanceof ObjectNode o ? o : n.putObject(parts[i]);
        }
        n.set(parts[parts.length - 1], value == null ? n.nullNode() : value);
    }

}
