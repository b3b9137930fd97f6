package io.lockstep.app.train;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps config record field names in validation messages to the command-line flags users typed. */
final class FlagNames {
    private static final Map<String, String> FLAGS = Map.of(
            "globalBatch", "--global-batch", "workers", "--workers", "epochs", "--epochs", "steps", "--steps",
            "lr", "--lr", "momentum", "--momentum", "l2", "--l2", "weightDecay", "--weight-decay",
            "epsilon", "--epsilon");
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
