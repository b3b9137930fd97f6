package io.lockstep.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.adaptive.AdaScale;
import io.lockstep.adaptive.AdaptiveBatchPlan;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.optim.ParameterUpdate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TrainingCheckpoint} as plain data, written field by field (no reflection, no Java
 * serialization): scalars in a JSON tree, float arrays by name ({@code params},
 * {@code optimizer.state.0}, {@code bestParams}, {@code lastGood.params}, ...). Doubles keep every bit:
 * finite ones as JSON numbers (shortest round-trip text), NaN and ±∞ as the strings "NaN",
 * "Infinity", "-Infinity". Decoding checks every field and that the arrays are exactly the expected ones.
 */
final class CheckpointCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_STATE_ARRAYS = 16;

    private CheckpointCodec() {}

    /** The scalar fields (a JSON object) and the arrays, by name, in the order they are written. */
    record Encoded(ObjectNode fields, Map<String, float[]> arrays) {}

    static Encoded encode(TrainingCheckpoint c) {
        Map<String, float[]> arrays = new LinkedHashMap<>();
        ObjectNode n = NODES.objectNode();
        n.put("nextStep", c.nextStep());
        ObjectNode meta = n.putObject("metadata");
        new java.util.TreeMap<>(c.metadata()).forEach(meta::put);
        arrays.put("params", c.params());
        n.set("optimizer", snapshot(c.optimizer(), "optimizer", arrays));
        n.set("noise", noise(c.noise()));
        n.set("guard", guard(c.guard()));
        putDouble(n, "lrFactor", c.lrFactor());
        n.put("rollbacks", c.rollbacks());
        putDouble(n, "bestLoss", c.bestLoss());
        n.put("sinceBest", c.sinceBest());
        if (c.bestParams() != null) {
            arrays.put("bestParams", c.bestParams());
        }
        n.set("lastGood", c.lastGood() == null ? NullNode.instance : lastGood(c.lastGood(), arrays));
        n.set("adaScale", adaScale(c.adaScale()));
        if (c.batchHistory() != null) {
            n.set("batchHistory", batchHistory(c.batchHistory()));
        }
        return new Encoded(n, arrays);
    }

    /** @throws CheckpointException naming the field or array that is missing or malformed */
    static TrainingCheckpoint decode(JsonNode root, Map<String, float[]> arrays) throws CheckpointException {
        Fields f = new Fields(root, "", arrays, new HashSet<>());
        try {
            TrainingCheckpoint c = new TrainingCheckpoint(f.longAt("nextStep"), f.array("params"),
                    snapshot(f.object("optimizer")), noise(f.object("noise")), guard(f.object("guard")),
                    f.doubleAt("lrFactor"), f.intAt("rollbacks"), f.doubleAt("bestLoss"), f.intAt("sinceBest"),
                    f.optionalArray("bestParams"), f.strings("metadata"),
                    f.isNull("lastGood") ? null : lastGood(f.object("lastGood")),
                    f.absentOrNull("adaScale") ? null : adaScale(f.object("adaScale")),
                    f.absentOrNull("batchHistory") ? null : segments(f.objects("batchHistory")));
            f.checkAllArraysUsed();
            return c;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CheckpointException("invalid checkpoint state: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------ per record type

    private static ObjectNode snapshot(ParameterUpdate.Snapshot s, String prefix, Map<String, float[]> arrays) {
        ObjectNode n = NODES.objectNode();
        n.put("name", s.optimizerName());
        putDouble(n, "previousLr", s.previousLr());
        float[][] state = s.optimizerState();
        n.put("stateArrays", state.length);
        for (int i = 0; i < state.length; i++) {
            arrays.put(prefix + ".state." + i, state[i]);
        }
        return n;
    }

    private static ParameterUpdate.Snapshot snapshot(Fields f) throws CheckpointException {
        int k = f.intAt("stateArrays");
        if (k < 0 || k > MAX_STATE_ARRAYS) {
            throw f.bad("stateArrays", "must be in [0, " + MAX_STATE_ARRAYS + "] (got " + k + ")");
        }
        float[][] state = new float[k][];
        for (int i = 0; i < k; i++) {
            state[i] = f.array("state." + i);
        }
        return ParameterUpdate.Snapshot.of(f.text("name"), state, f.doubleAt("previousLr"));
    }

    private static ObjectNode noise(NoiseScaleEstimator.State s) {
        ObjectNode n = NODES.objectNode();
        putDouble(n, "emaDecay", s.emaDecay());
        n.put("steps", s.steps());
        putDouble(n, "rawEmaGradSqNorm", s.rawEmaGradSqNorm());
        putDouble(n, "rawEmaTraceSigma", s.rawEmaTraceSigma());
        return n;
    }

    private static NoiseScaleEstimator.State noise(Fields f) throws CheckpointException {
        return new NoiseScaleEstimator.State(f.doubleAt("emaDecay"), f.longAt("steps"), f.doubleAt("rawEmaGradSqNorm"),
                f.doubleAt("rawEmaTraceSigma"));
    }

    private static ObjectNode guard(DivergenceGuard g) {
        ObjectNode n = NODES.objectNode();
        putDouble(n, "lossFactor", g.lossFactor());
        putDouble(n, "firstLoss", g.firstLoss());
        putDouble(n, "smoothed", g.smoothed());
        putDouble(n, "minSmoothed", g.minSmoothed());
        return n;
    }

    private static DivergenceGuard guard(Fields f) throws CheckpointException {
        return DivergenceGuard.of(f.doubleAt("lossFactor"), f.doubleAt("firstLoss"), f.doubleAt("smoothed"),
                f.doubleAt("minSmoothed"));
    }

    private static ObjectNode lastGood(TrainingCheckpoint.LastGood g, Map<String, float[]> arrays) {
        ObjectNode n = NODES.objectNode();
        n.put("step", g.step());
        arrays.put("lastGood.params", g.params());
        n.set("optimizer", g.optimizer() == null ? NullNode.instance : snapshot(g.optimizer(), "lastGood.optimizer", arrays));
        n.set("noise", g.noise() == null ? NullNode.instance : noise(g.noise()));
        n.set("guard", guard(g.guard()));
        n.set("adaScale", adaScale(g.adaScale()));
        return n;
    }

    private static TrainingCheckpoint.LastGood lastGood(Fields f) throws CheckpointException {
        return new TrainingCheckpoint.LastGood(f.longAt("step"), f.array("params"),
                f.isNull("optimizer") ? null : snapshot(f.object("optimizer")),
                f.isNull("noise") ? null : noise(f.object("noise")), guard(f.object("guard")),
                f.absentOrNull("adaScale") ? null : adaScale(f.object("adaScale")));
    }

    private static JsonNode adaScale(AdaScale.State s) {
        if (s == null) {
            return NullNode.instance;
        }
        ObjectNode n = NODES.objectNode();
        n.put("baseBatch", s.baseBatch());
        putDouble(n, "tau", s.tau());
        putDouble(n, "biasedVariance", s.biasedVariance());
        putDouble(n, "biasedSqNorm", s.biasedSqNorm());
        putDouble(n, "unbias", s.unbias());
        return n;
    }

    private static AdaScale.State adaScale(Fields f) throws CheckpointException {
        return new AdaScale.State(f.intAt("baseBatch"), f.doubleAt("tau"), f.doubleAt("biasedVariance"),
                f.doubleAt("biasedSqNorm"), f.doubleAt("unbias"));
    }

    private static JsonNode batchHistory(List<AdaptiveBatchPlan.Segment> history) {
        ArrayNode a = NODES.arrayNode();
        for (AdaptiveBatchPlan.Segment seg : history) {
            a.addObject().put("fromStep", seg.fromStep()).put("steps", seg.steps()).put("batch", seg.batch());
        }
        return a;
    }

    private static List<AdaptiveBatchPlan.Segment> segments(List<Fields> segments) throws CheckpointException {
        List<AdaptiveBatchPlan.Segment> out = new ArrayList<>();
        for (Fields seg : segments) {
            out.add(new AdaptiveBatchPlan.Segment(seg.longAt("fromStep"), seg.longAt("steps"), seg.intAt("batch")));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ doubles

    private static void putDouble(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.put(field, Double.toString(v)); // "NaN", "Infinity", "-Infinity"
        }
    }

    /**
     * Typed access to one object of the manifest and to the arrays under its path, with errors that
     * name the field ({@code guard.smoothed}) or array; remembers which arrays were taken.
     */
    private record Fields(JsonNode node, String path, Map<String, float[]> arrays, Set<String> used) {
        Fields object(String field) throws CheckpointException {
            JsonNode v = node.get(field);
            if (v == null || !v.isObject()) {
                throw bad(field, "is missing or not an object");
            }
            return new Fields(v, path + field + ".", arrays, used);
        }

        /** The objects of an array field, each with its path ({@code batchHistory[3].}). */
        List<Fields> objects(String field) throws CheckpointException {
            JsonNode v = node.get(field);
            if (v == null || !v.isArray()) {
                throw bad(field, "is missing or not an array");
            }
            List<Fields> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isObject()) {
                    throw bad(field + "[" + i + "]", "is not an object");
                }
                out.add(new Fields(v.get(i), path + field + "[" + i + "].", arrays, used));
            }
            return out;
        }

        /** True for a field that is null or absent (fields added after format 2 was first written: AdaScale). */
        boolean absentOrNull(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull();
        }

        boolean isNull(String field) throws CheckpointException {
            JsonNode v = node.get(field);
            if (v == null) {
                throw bad(field, "is missing");
            }
            return v.isNull();
        }

        long longAt(String field) throws CheckpointException {
            JsonNode v = node.get(field);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
                throw bad(field, "is missing or not an integer");
            }
            return v.longValue();
        }

        int intAt(String field) throws CheckpointException {
            long v = longAt(field);
            if (v != (int) v) {
                throw bad(field, "is out of range (" + v + ")");
            }
            return (int) v;
        }

        double doubleAt(String field) throws CheckpointException {
            JsonNode v = node.get(field);
            if (v != null && v.isNumber()) {
                return v.doubleValue();
            }
            if (v != null && v.isTextual()) {
                switch (v.textValue()) {
                    case "NaN": return Double.NaN;
                    case "Infinity": return Double.POSITIVE_INFINITY;
                    case "-Infinity": return Double.NEGATIVE_INFINITY;
                    default: break;
                }
            }
            throw bad(field, "is missing or not a number");
        }

        String text(String field) throws CheckpointException {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual()) {
                throw bad(field, "is missing or not a string");
            }
            return v.textValue();
        }

        Map<String, String> strings(String field) throws CheckpointException {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) object(field).node::fields) {
                if (!e.getValue().isTextual()) {
                    throw bad(field + "." + e.getKey(), "is not a string");
                }
                out.put(e.getKey(), e.getValue().textValue());
            }
            return out;
        }

        float[] array(String name) throws CheckpointException {
            float[] a = optionalArray(name);
            if (a == null) {
                throw new CheckpointException("array '" + path + name + "' is missing");
            }
            return a;
        }

        float[] optionalArray(String name) {
            String full = path + name;
            float[] a = arrays.get(full);
            if (a != null) {
                used.add(full);
            }
            return a;
        }

        void checkAllArraysUsed() throws CheckpointException {
            for (String name : arrays.keySet()) {
                if (!used.contains(name)) {
                    throw new CheckpointException("array '" + name + "' is not part of a checkpoint");
                }
            }
        }

        CheckpointException bad(String field, String problem) {
            return new CheckpointException("field '" + path + field + "' " + problem);
        }
    }
}
