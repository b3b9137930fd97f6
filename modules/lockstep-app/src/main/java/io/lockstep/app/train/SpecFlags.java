package io.lockstep.app.train;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code lockstep train} flags behind each field of a run spec (the dotted paths of
 * {@link io.lockstep.run.SpecDiff}): the first names the field for users, any of them sets it.
 */
final class SpecFlags {
    private static final Map<String, List<String>> FLAGS = Map.ofEntries(
            Map.entry("train.globalBatch", List.of("--global-batch", "--min-batch")),
            Map.entry("train.adaptiveBatch", List.of("--global-batch")),
            Map.entry("train.adaptiveBatch.minBatch", List.of("--min-batch", "--global-batch", "--reference-batch")),
            Map.entry("train.adaptiveBatch.maxBatch", List.of("--max-batch", "--global-batch")),
            Map.entry("train.adaptiveBatch.every", List.of("--adapt-every", "--global-batch")),
            Map.entry("train.batchGrowthFactor", List.of("--batch-growth-factor")),
            Map.entry("train.batchGrowthEvery", List.of("--batch-growth-every")),
            Map.entry("train.workers", List.of("--workers")), Map.entry("workers", List.of("--workers")),
            Map.entry("train.microBatch", List.of("--micro-batch")), Map.entry("train.ghostBatch", List.of("--ghost-batch")),
            Map.entry("train.epochs", List.of("--epochs", "--steps")), Map.entry("train.steps", List.of("--steps", "--epochs")),
            Map.entry("train.lr", List.of("--lr")), Map.entry("train.lrScaling", List.of("--lr-scaling")),
            Map.entry("train.referenceBatch", List.of("--reference-batch")),
            Map.entry("train.schedule.decay", List.of("--schedule")),
            Map.entry("train.schedule.warmup", List.of("--warmup", "--warmup-steps", "--warmup-epochs")),
            Map.entry("train.schedule.warmupSteps", List.of("--warmup-steps", "--warmup", "--warmup-epochs")),
            Map.entry("train.schedule.warmupStartLr", List.of("--warmup-start-lr")),
            Map.entry("train.schedule.stepFactor", List.of("--step-factor")),
            Map.entry("train.schedule.stepEvery", List.of("--step-every")),
            Map.entry("train.schedule.minLr", List.of("--min-lr")), Map.entry("train.schedule.polyPower", List.of("--poly-power")),
            Map.entry("train.optimizer.type", List.of("--optimizer")),
            Map.entry("train.optimizer.momentum", List.of("--momentum")),
            Map.entry("train.optimizer.epsilon", List.of("--epsilon", "--optimizer")),
            Map.entry("train.optimizer.l2", List.of("--l2")), Map.entry("train.optimizer.weightDecay", List.of("--weight-decay")),
            Map.entry("train.optimizer.trustCoefficient", List.of("--trust-coefficient")),
            Map.entry("train.optimizer.excludeBiases", List.of("--trust-biases")),
            Map.entry("train.optimizer.momentumCorrection", List.of("--momentum-correction")),
            Map.entry("train.clipNorm", List.of("--clip-norm")),
            Map.entry("train.divergence.policy", List.of("--on-divergence")),
            Map.entry("train.divergence.lossFactor", List.of("--divergence-factor")),
            Map.entry("train.divergence.maxRollbacks", List.of("--max-rollbacks")),
            Map.entry("train.divergence.lrBackoff", List.of("--rollback-lr-factor")),
            Map.entry("train.noiseEmaDecay", List.of("--noise-ema")),
            Map.entry("train.earlyStoppingPatience", List.of("--early-stopping-patience")),
            Map.entry("train.evalEvery", List.of("--eval-every")), Map.entry("train.targetAccuracy", List.of("--target-accuracy")),
            Map.entry("train.seed", List.of("--seed")),
            Map.entry("warmupEpochs", List.of("--warmup-epochs", "--warmup")),
            Map.entry("data.train", List.of("--dataset", "--train-images", "--train-labels", "--data-dir")),
            Map.entry("data.test", List.of("--test-dataset", "--test-images", "--test-labels")),
            Map.entry("data.labelCol", List.of("--label-col")), Map.entry("data.featuresCol", List.of("--features-col")),
            Map.entry("data.featureCols", List.of("--feature-cols")), Map.entry("data.classes", List.of("--classes")),
            Map.entry("data.validationFraction", List.of("--validation-fraction")),
            Map.entry("data.placement", List.of("--data-placement")),
            Map.entry("model.ref", List.of("--model")), Map.entry("model", List.of("--model")),
            Map.entry("output.dir", List.of("--out", "--resume")),
            Map.entry("output.checkpointEvery", List.of("--checkpoint-every")),
            Map.entry("output.checkpointDir", List.of("--checkpoint-dir")),
            Map.entry("output.keepCheckpoints", List.of("--keep-checkpoints")),
            Map.entry("output.evalTrain", List.of("--eval-train")),
            Map.entry("master", List.of("--master")),
            Map.entry("transport.kind", List.of("--step-transport", "--step-timeout")),
            Map.entry("transport.stepTimeoutSeconds", List.of("--step-timeout", "--step-transport")));

    private SpecFlags() {}

    /** The flags of {@code field} or of its nearest enclosing field; empty when no flag sets it. */
    static List<String> of(String field) {
        for (String f = field; !f.isEmpty(); f = f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : "") {
            List<String> flags = FLAGS.get(f);
            if (flags != null) {
                return flags;
            }
        }
        return List.of();
    }

    /** The user's name of {@code field}: its first flag, else the field itself. */
    static String label(String field) {
        List<String> flags = of(field);
        return flags.isEmpty() ? field : flags.get(0);
    }

    /** True if a flag that sets {@code field} is in {@code typed}. */
    static boolean setBy(String field, Predicate<String> typed) {
        return of(field).stream().anyMatch(typed);
    }
}
