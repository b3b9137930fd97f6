package io.lockstep.app.train;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps config record field names in validation messages to the command-line flags users typed. */
final class FlagNames {
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("globalBatch", "--global-batch"), Map.entry("adaptiveBatch.minBatch", "--min-batch"),
            Map.entry("adaptiveBatch.maxBatch", "--max-batch"), Map.entry("adaptiveBatch.every", "--adapt-every"),
            Map.entry("batchGrowthFactor", "--batch-growth-factor"), Map.entry("batchGrowthEvery", "--batch-growth-every"),
            Map.entry("workers", "--workers"),
            Map.entry("microBatch", "--micro-batch"), Map.entry("ghostBatch", "--ghost-batch"),
 Map.entry("epochs", "--epochs"), Map.entry("steps", "--steps"),
            Map.entry("lr", "--lr"), Map.entry("referenceBatch", "--reference-batch"),
            Map.entry("clipNorm", "--clip-norm"), Map.entry("momentum", "--momentum"), Map.entry("l2", "--l2"),
            Map.entry("weightDecay", "--weight-decay"), Map.entry("epsilon", "--epsilon"),
            Map.entry("trustCoefficient", "--trust-coefficient"), Map.entry("noiseEmaDecay", "--noise-ema"),
            Map.entry("earlyStoppingPatience", "--early-stopping-patience"),
            Map.entry("evalEvery", "--eval-every"), Map.entry("targetAccuracy", "--target-accuracy"),
            Map.entry("warmupSteps", "--warmup-steps"), Map.entry("stepEvery", "--step-every"),
            Map.entry("minLr", "--min-lr"), Map.entry("polyPower", "--poly-power"),
            Map.entry("stepFactor", "--step-factor"), Map.entry("warmupStartLr", "--warmup-start-lr"),
            Map.entry("divergenceFactor", "--divergence-factor"), Map.entry("maxRollbacks", "--max-rollbacks"),
            Map.entry("rollbackLrFactor", "--rollback-lr-factor"),
            Map.entry("validationFraction", "--validation-fraction"), Map.entry("warmupEpochs", "--warmup-epochs"),
            Map.entry("checkpointEvery", "--checkpoint-every"), Map.entry("keepCheckpoints", "--keep-checkpoints"),
            Map.entry("stepTimeoutSeconds", "--step-timeout"));
    private static final Pattern WORD = Pattern.compile("\\b(" + String.join("|", FLAGS.keySet()) + ")\\b");

    private FlagNames() {}

    static String inMessage(String message) {
        Matcher m = WORD.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(FLAGS.get(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
