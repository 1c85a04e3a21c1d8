package org.llmworkbench.viz;

import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart charts with the workbench's house style: clean lines, readable axes, legend inside the plot. */
public final class Charts {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;

    private Charts() {}

    /** An empty line chart; add series with {@link #addLine}. */
    public static XYChart line(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setXAxisDecimalPattern("#,##0.##");
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        return chart;
    }

    /** Adds a line without markers. */
    public static XYSeries addLine(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    public static XYSeries addLine(XYChart chart, String name, float[] x, float[] y) {
        return addLine(chart, name, toDouble(x), toDouble(y));
    }

    /**
     * Makes XChart choose round x ticks (0, 50, 100, …) for a chart whose x values are evenly spaced, such as training
     * steps. For evenly spaced values XChart puts a tick on every n-th value instead, with n as small as lets the
     * labels touch ("98 112126140154…"). One hidden point half a step after the first value (no legend entry, no
     * line, no marker, on the first series' first y value, so the axes' ranges stay as they were) makes the values
     * uneven, and XChart then spaces its ticks by its tick-spacing hint. Call it after the series are added.
     */
    public static XYChart roundXTicks(XYChart chart) {
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        double firstY = Double.NaN;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double x : s.getXData()) xs.add(x);
            if (Double.isNaN(firstY) && s.getYData().length > 0) firstY = s.getYData()[0];
        }
        if (xs.size() < 12 || Double.isNaN(firstY)) return chart; // few values: XChart labels each one, readably
        double first = xs.first();
        double step = xs.higher(first) - first;
        XYSeries hidden = chart.addSeries("\u200b(round x ticks)", new double[] {first + step / 2}, new double[] {firstY});
        hidden.setShowInLegend(false);
        hidden.setMarker(SeriesMarkers.NONE);
        hidden.setLineColor(new Color(0, 0, 0, 0));
        return chart;
    }

    /** An empty bar chart. */
    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        return chart;
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setLegendBorderColor(new Color(0xDD, 0xDD, 0xDD));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setAntiAlias(true);
    }

    public static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
