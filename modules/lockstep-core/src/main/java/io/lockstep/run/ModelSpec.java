package io.lockstep.run;

/**
 * The model of a run: a built-in name ({@code mlp}, {@code mlp-bn}, {@code lenet}, {@code resnet}) or
 * the path of a DL4J {@code MultiLayerConfiguration} / {@code ComputationGraphConfiguration} JSON file.
 */
public record ModelSpec(String ref) {
    public ModelSpec {
        Specs.require(ref != null && !ref.isBlank(), "model", ref, "must be a built-in name or a JSON file path");
    }

    public static ModelSpec of(String ref) {
        return new ModelSpec(ref);
    }
}
