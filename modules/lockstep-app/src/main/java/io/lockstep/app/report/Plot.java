package io.lockstep.app.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One XChart line/scatter chart with the report's style. Series drop points that cannot be drawn (NaN, and
 * values ≤ 0 on a log axis); a series left without points is not added, so {@link #isEmpty()} tells whether
 * there is anything to show. Encodes to a PNG data URI for the HTML page.
 */
final class Plot {
    static final int WIDTH = 640;
    static final int HEIGHT = 400;
    /** Muted colour for raw data drawn under a smoothed line, or for context points. */
    static final Color FAINT = new Color(170, 170, 170);
    static final Color ALERT = new Color(200, 30, 30);

    private static final String OFF_GRID = " off-grid";
    /** Pixels a legend entry takes besides its text (line sample and padding). */
    private static final double LEGEND_ENTRY_PX = 48;
    /** Widest legend name (pixels) that still leaves the plot enough room when the legend sits at its side. */
    private static final double LEGEND_SIDE_PX = 110;

    /** How a series is drawn. */
    enum Style { LINE, THIN_LINE, DASHED, POINTS, LINE_POINTS }

    private final XYChart chart;
    private final boolean logX;
    private final boolean logY;
    private final java.util.Set<String> names = new java.util.HashSet<>();
    private int series;

    private Plot(XYChart chart, boolean logX, boolean logY) {
        this.chart = chart;
        this.logX = logX;
        this.logY = logY;
    }

    /** A new empty chart; the axis titles should carry the units. */
    static Plot create(String title, String xTitle, String yTitle, boolean logX, boolean logY) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler s = c.getStyler();
        c.getStyler().setXAxisLogarithmic(logX).setYAxisLogarithmic(logY)
                .setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setPlotGridLinesColor(new Color(225, 225, 225));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setMarkerSize(6);
        s.setAntiAlias(true);
        if (!logX) {
            c.getStyler().setxAxisTickLabelsFormattingFunction(Format::tick);
        }
        if (!logY) {
            c.getStyler().setyAxisTickLabelsFormattingFunction(Format::tick);
        }
        return new Plot(c, logX, logY);
    }

    /** Adds a series; returns false (and adds nothing) when no point is drawable. */
    boolean add(String name, double[] x, double[] y, Style style) {
        return add(name, x, y, style, null);
    }

    /** Adds a series in a given colour (null: the theme's next colour). */
    boolean add(String name, double[] x, double[] y, Style style, Color color) {
        double[][] pts = drawable(x, y);
        if (pts[0].length == 0) {
            return false;
        }
        XYSeries s = chart.addSeries(unique(name), pts[0], pts[1]);
        series++;
        switch (style) {
            case LINE -> line(s, 1.8f, SeriesMarkers.NONE);
            case THIN_LINE -> line(s, 0.8f, SeriesMarkers.NONE);
            case DASHED -> {
                line(s, 1.5f, SeriesMarkers.NONE);
                s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
            }
            case POINTS -> points(s, SeriesMarkers.CIRCLE);
            case LINE_POINTS -> line(s, 1.8f, SeriesMarkers.CIRCLE);
        }
        if (color != null) {
            s.setLineColor(color);
            s.setMarkerColor(color);
        }
        return true;
    }

    /** Marks points (e.g. divergence events) with a distinct marker in the alert colour. */
    boolean mark(String name, double[] x, double[] y, Marker marker) {
        double[][] pts = drawable(x, y);
        if (pts[0].length == 0) {
            return false;
        }
        XYSeries s = chart.addSeries(unique(name), pts[0], pts[1]);
        series++;
        points(s, marker);
        s.setMarkerColor(ALERT);
        return true;
    }

    /** A horizontal reference line across {@code [xFrom, xTo]}. */
    boolean horizontal(String name, double y, double xFrom, double xTo, Color color) {
        return add(name, new double[] {xFrom, xTo}, new double[] {y, y}, Style.DASHED, color);
    }

    /** Whether the y axis is logarithmic. */
    boolean logY() {
        return logY;
    }

    boolean isEmpty() {
        return series == 0;
    }

    XYChart chart() {
        return chart;
    }

    /** The chart as a {@code data:image/png;base64,...} URI. */
    String pngDataUri() {
        avoidPerPointTicks();
        layoutLegend();
        labelLogAxes();
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        } catch (IOException e) {
            throw new ReportException("cannot render chart '" + chart.getTitle() + "': " + e.getMessage(), e);
        }
    }

    /**
     * XChart labels an x axis whose data are equally spaced (steps 0, 1, 2, ...) at data points, as densely as
     * the labels fit, instead of at round numbers. One disabled series (not drawn, not in the legend) with an
     * off-grid x makes it use its round-number ticks.
     */
    private void avoidPerPointTicks() {
        if (logX || series == 0 || names.contains(OFF_GRID)) {
            return;
        }
        XYSeries first = chart.getSeriesMap().values().iterator().next();
        double[] x = first.getXData();
        if (x.length < 3) {
            return;
        }
        XYSeries off = chart.addSeries(OFF_GRID, new double[] {(x[0] + x[1]) / 2}, new double[] {first.getYData()[0]});
        names.add(OFF_GRID);
        off.setShowInLegend(false);
        off.setEnabled(false);
    }

    /**
     * One legend row below the plot when the names fit in it; otherwise a column: to the right for short names,
     * below for long ones (XChart does not wrap legend rows).
     */
    private void layoutLegend() {
        Font font = chart.getStyler().getLegendFont();
        FontRenderContext frc = new FontRenderContext(null, true, true);
        double[] widths = chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend)
                .mapToDouble(x -> font.getStringBounds(x.getName(), frc).getWidth()).toArray();
        double row = java.util.Arrays.stream(widths).map(w -> w + LEGEND_ENTRY_PX).sum();
        if (row <= WIDTH - 20) {
            return;
        }
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        if (java.util.Arrays.stream(widths).max().orElse(0) <= LEGEND_SIDE_PX) {
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        }
    }

    /**
     * Log axes label decades only when the data span two or more; over a narrower range the 2…9 multiples are
     * labelled too, else such an axis would show one label or none.
     */
    private void labelLogAxes() {
        if (logX) {
            boolean decades = span(XYSeries::getXData) >= 100;
            chart.getStyler().setXAxisLogarithmicDecadeOnly(decades);
            // 2…9 multiples crowd towards each decade's end: slanted labels still fit there
            chart.getStyler().setXAxisLabelRotation(decades ? 0 : 45);
        }
        if (logY) {
            chart.getStyler().setYAxisLogarithmicDecadeOnly(span(XYSeries::getYData) >= 100);
        }
    }

    private double span(java.util.function.Function<XYSeries, double[]> data) {
        return SeriesMath.positiveSpan(chart.getSeriesMap().values().stream().filter(XYSeries::isEnabled).map(data)
                .toArray(double[][]::new));
    }

    /** XChart needs distinct series names: a repeated name gets a counter. */
    private String unique(String name) {
        String n = name;
        for (int i = 2; !names.add(n); i++) {
            n = name + " (" + i + ")";
        }
        return n;
    }

    private static void line(XYSeries s, float width, Marker marker) {
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineWidth(width);
        s.setMarker(marker);
    }

    private static void points(XYSeries s, Marker marker) {
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker);
    }

    private double[][] drawable(double[] x, double[] y) {
        int n = Math.min(x.length, y.length);
        double[] ox = new double[n];
        double[] oy = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (ok(x[i], logX) && ok(y[i], logY)) {
                ox[k] = x[i];
                oy[k] = y[i];
                k++;
            }
        }
        return new double[][] {Arrays.copyOf(ox, k), Arrays.copyOf(oy, k)};
    }

    private static boolean ok(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }
}
