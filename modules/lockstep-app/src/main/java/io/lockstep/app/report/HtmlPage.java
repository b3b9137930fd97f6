package io.lockstep.app.report;

import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page built in order: headings, paragraphs, notes, tables and charts (inline PNG data
 * URIs). All text is escaped; no scripts or external resources.
 */
final class HtmlPage {
    private static final String STYLE = """
            body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1320px;\
            color:#222;padding:0 16px}
            h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd;\
            padding-bottom:4px}
            p.sub{color:#555;margin-top:0}p.note{color:#777;font-style:italic}
            table{border-collapse:collapse;font-size:13px;margin:8px 0}
            td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}td.bad{color:#b00;font-weight:bold}
            .kv{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
            .kv div{border:1px solid #ddd;border-radius:4px;padding:6px 10px;min-width:110px}
            .kv b{display:block;font-size:17px}.kv span{font-size:12px;color:#666}
            .charts{display:flex;flex-wrap:wrap;gap:12px}
            figure{margin:0}figure img{display:block;border:1px solid #eee}
            figcaption{font-size:12px;color:#555;max-width:640px;margin-top:4px}
            details{margin:8px 0}pre{background:#f7f7f7;padding:8px;font-size:12px;overflow-x:auto}
            .tablewrap{overflow-x:auto}
            """;

    private final StringBuilder body = new StringBuilder();
    private final String title;
    private boolean inCharts;
    private int charts;

    HtmlPage(String title) {
        this.title = title;
    }

    /** The page title (h1) with a subtitle line. */
    HtmlPage header(String subtitle) {
        body.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"sub\">").append(esc(subtitle)).append("</p>\n");
        return this;
    }

    HtmlPage heading(String text) {
        closeCharts();
        body.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    HtmlPage paragraph(String text) {
        closeCharts();
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    /** A muted one-line note, e.g. why a section is empty. */
    HtmlPage note(String text) {
        closeCharts();
        body.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
        return this;
    }

    /** Key numbers as a row of tiles: label → value. */
    HtmlPage keyNumbers(Map<String, String> numbers) {
        closeCharts();
        body.append("<div class=\"kv\">");
        numbers.forEach((k, v) -> body.append("<div><b>").append(esc(v)).append("</b><span>").append(esc(k))
                .append("</span></div>"));
        body.append("</div>\n");
        return this;
    }

    /** A two-column table, collapsed under a summary line when {@code collapsed}. */
    HtmlPage keyValueTable(String summary, Map<String, String> rows, boolean collapsed) {
        List<List<String>> cells = rows.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList();
        closeCharts();
        if (collapsed) {
            body.append("<details><summary>").append(esc(summary)).append("</summary>\n");
        }
        rows(List.of("key", "value"), cells, false);
        if (collapsed) {
            body.append("</details>\n");
        }
        return this;
    }

    /** A table; cells that look numeric are right-aligned. */
    HtmlPage table(List<String> header, List<List<String>> rows) {
        closeCharts();
        rows(header, rows, true);
        return this;
    }

    private void rows(List<String> header, List<List<String>> rows, boolean alignNumbers) {
        body.append("<div class=\"tablewrap\"><table><tr>");
        header.forEach(h -> body.append("<th>").append(esc(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(c -> body.append(cellTag(c, alignNumbers)).append(esc(c)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</table></div>\n");
    }

    HtmlPage preformatted(String summary, String text) {
        closeCharts();
        body.append("<details><summary>").append(esc(summary)).append("</summary><pre>").append(esc(text))
                .append("</pre></details>\n");
        return this;
    }

    /** A chart with a caption; consecutive charts flow side by side. */
    HtmlPage chart(Plot plot, String caption) {
        if (!inCharts) {
            body.append("<div class=\"charts\">\n");
            inCharts = true;
        }
        String alt = plot.chart().getTitle();
        body.append("<figure><img width=\"").append(Plot.WIDTH).append("\" height=\"").append(Plot.HEIGHT)
                .append("\" alt=\"").append(esc(alt)).append("\" src=\"").append(plot.pngDataUri()).append("\">");
        if (!caption.isEmpty()) {
            body.append("<figcaption>").append(esc(caption)).append("</figcaption>");
        }
        body.append("</figure>\n");
        charts++;
        return this;
    }

    /** The chart, or a note naming it and why it is empty when it has no drawable series. */
    HtmlPage chartOrNote(Plot plot, String caption, String whyEmpty) {
        return plot.isEmpty() ? note(plot.chart().getTitle() + ": " + whyEmpty + ".") : chart(plot, caption);
    }

    /** Number of charts added so far. */
    int charts() {
        return charts;
    }

    String render() {
        closeCharts();
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" + esc(title)
                + "</title>\n<style>\n" + STYLE + "</style></head>\n<body>\n" + body
                + "<p class=\"note\">Generated by lockstep report.</p>\n</body></html>\n";
    }

    private void closeCharts() {
        if (inCharts) {
            body.append("</div>\n");
            inCharts = false;
        }
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Right-aligned numbers; a failed or diverged status stands out. */
    private static String cellTag(String c, boolean alignNumbers) {
        if (c.equals("diverged") || c.equals("failed")) {
            return "<td class=\"bad\">";
        }
        return alignNumbers && numeric(c) ? "<td class=\"n\">" : "<td>";
    }

    private static boolean numeric(String s) {
        return s.matches("[-+]?[0-9][0-9.,]*(e[-+]?[0-9]+)?%?");
    }
}
