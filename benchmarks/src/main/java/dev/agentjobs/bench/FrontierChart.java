package dev.agentjobs.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** One PNG, a panel per workload: mean lag against GETs per job (log scales), a line per policy family. */
final class FrontierChart {

    private static final int PANEL = 700;

    private FrontierChart() {
    }

    static void write(Map<String, List<Frontier.Point>> byWorkload, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(PANEL * byWorkload.size(), 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        int x = 0;
        for (Map.Entry<String, List<Frontier.Point>> e : byWorkload.entrySet()) {
            panel(e.getKey(), e.getValue()).draw(g, new Rectangle(x, 0, PANEL, 600));
            x += PANEL;
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    private static JFreeChart panel(String workload, List<Frontier.Point> points) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String family : points.stream().map(Frontier.Point::family).distinct().toList()) {
            XYSeries series = new XYSeries(family, false);
            points.stream().filter(p -> p.family().equals(family))
                    .forEach(p -> series.add(p.gets(), p.meanLag() / 1000));
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(workload + ": mean lag vs GETs per job",
                "GETs per job", "mean detection lag (s)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis xAxis = new LogAxis("GETs per job");
        xAxis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        plot.setDomainAxis(xAxis);
        LogAxis yAxis = new LogAxis("mean detection lag (s)");
        yAxis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        plot.setRangeAxis(yAxis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        return chart;
    }
}
