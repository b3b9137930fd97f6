package io.lockstep.config;

/**
 * Keeps a bad-input message on one line: the values it quotes (a file's key, a column name, a path from a spec)
 * come from the input and may hold line breaks or other control characters. Those are shown escaped
 * ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}), so the CLI's one error line stays one line and
 * still shows what the input held.
 */
public final class OneLine {
    private OneLine() {}

    /** {@code text} with every control character and line or paragraph separator escaped; null stays null. */
    public static String of(String text) {
        if (text == null || text.chars().noneMatch(OneLine::escaped)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            if (!escaped(c)) {
                b.append((char) c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }

    private static boolean escaped(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
