package learn.rocketmq.internals.performance;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The benchmark lessons' output: a CSV of every run, and PNG charts drawn with JFreeChart
 * (headless: no display needed).
 */
public final class Report {

    private Report() {
    }

    public static Path csv(Path dir, String name, List<LoadRun.Figures> runs) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(LoadRun.Figures.CSV_HEADER);
        runs.forEach(r -> lines.add(r.csvRow()));
        return Files.write(Files.createDirectories(dir).resolve(name + ".csv"), lines);
    }

    /** A horizontal bar chart: one bar per entry (in order), e.g. each tuning's throughput as a ratio of its baseline. */
    public static Path barChart(Path dir, String name, String title, String valueAxis, Map<String, Double> bars) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        bars.forEach((label, value) -> data.addValue(value, valueAxis, label));
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueAxis, data, PlotOrientation.HORIZONTAL, false, false, false);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        Path png = Files.createDirectories(dir).resolve(name + ".png");
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 120 + 34 * bars.size());
        return png;
    }

    /** Grouped bars: for each category (a run), one bar per series (p50, p99, p99.9, say), in the maps' order. */
    public static Path groupedBarChart(Path dir, String name, String title, String valueAxis,
                                       Map<String, Map<String, Double>> seriesByCategory) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        seriesByCategory.forEach((category, series) -> series.forEach((s, value) -> data.addValue(value, s, category)));
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueAxis, data, PlotOrientation.HORIZONTAL, true, false, false);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        Path png = Files.createDirectories(dir).resolve(name + ".png");
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 160 + 60 * seriesByCategory.size());
        return png;
    }
}
