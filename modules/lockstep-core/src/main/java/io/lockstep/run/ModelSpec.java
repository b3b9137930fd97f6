package io.lockstep.run;

/**
 * The model of a run: a built-in name ({@code mlp}, {@code mlp-bn}, {@code lenet}, {@code resnet}), the
 * path of a DL4J {@code MultiLayerConfiguration} / {@code ComputationGraphConfiguration} JSON file, or
 * such a JSON text itself (then {@code ref} is its name in messages).
 *
 * @param json the configuration JSON, or null when {@code ref} names a built-in model or a file
 */
public record ModelSpec(String ref, String json) {
    public ModelSpec {
        Specs.require(ref != null && !ref.isBlank(), "model", ref, "must be a built-in name or a JSON file path");
        Specs.require(json == null || !json.isBlank(), "model.json", json, "must not be blank");
    }

    /** A built-in name or a JSON file path. */
    public static ModelSpec of(String ref) {
        return new ModelSpec(ref, null);
    }

    /** A DL4J configuration JSON text, called {@code name} in messages. */
    public static ModelSpec json(String name, String json) {
        return new ModelSpec(name, json);
    }
}
