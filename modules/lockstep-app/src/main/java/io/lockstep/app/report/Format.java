package io.lockstep.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Number and value formatting for the report's text (locale-independent). */
final class Format {
    private Format() {
    }

    /** A number with 4 significant digits, integers without decimals; "–" for NaN. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            String s = String.format(Locale.ROOT, "%.4g", v);
            return s.contains("e") ? s : stripZeros(s);
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** A number rounded to {@code decimals} decimals (trailing zeros dropped); "–" for NaN. */
    static String rounded(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return num(v);
        }
        double scale = Math.pow(10, decimals);
        return num(Math.round(v * scale) / scale);
    }

    /** An axis tick label: compact, at most 4 significant digits, exponent form outside [1e-3, 1e5). */
    static String tick(double v) {
        double a = Math.abs(v);
        if (a == 0 || !Double.isFinite(v)) {
            return a == 0 ? "0" : num(v);
        }
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
        String[] parts = String.format(Locale.ROOT, "%.3e", v).split("e");
        return stripZeros(parts[0]) + "e" + Integer.parseInt(parts[1]);
    }

    /** An accuracy as a percentage with two decimals. */
    static String percent(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        String s = String.format(Locale.ROOT, "%.2f%%", 100 * v);
        return s.equals("-0.00%") ? "0.00%" : s;
    }

    /** A JSON scalar as text; arrays joined with "; ". */
    static String json(JsonNode n) {
        if (n.isArray()) {
            return StreamSupport.stream(n.spliterator(), false).map(Format::json).collect(Collectors.joining("; "));
        }
        if (n.isNumber()) {
            return n.isIntegralNumber() ? n.asText() : num(n.asDouble());
        }
        return n.isTextual() ? n.asText() : n.toString();
    }

    /** The first line of a message (library messages can span several). */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String stripZeros(String s) {
        if (!s.contains(".")) {
            return s;
        }
        String t = s.replaceAll("0+$", "");
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
