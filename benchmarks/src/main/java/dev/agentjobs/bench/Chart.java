package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** One PNG, two panels: CPU per poll and heap per waiting job against N (log scales), a line per impl. */
final class Chart {

    private Chart() {
    }

    static void write(Iterable<JsonNode> results, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JFreeChart cpu = panel(results, "cpuMicrosPerPoll", "CPU per poll (us)");
        JFreeChart heap = panel(results, "heapBytesPerJob", "heap per waiting job (bytes)");
        BufferedImage image = new BufferedImage(1400, 560, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        cpu.draw(g, new Rectangle(0, 0, 700, 560));
        heap.draw(g, new Rectangle(700, 0, 700, 560));
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    private static JFreeChart panel(Iterable<JsonNode> results, String field, String label) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String impl : Report.IMPLS) {
            XYSeries series = new XYSeries(impl);
            for (JsonNode r : results) {
                double v = r.path(field).asDouble(Double.NaN);
                if ("watch".equals(r.path("scenario").asText()) && impl.equals(r.path("impl").asText())
                        && "ok".equals(r.path("status").asText()) && v > 0) {
                    series.add(r.path("jobs").asInt(), v);
                }
            }
            if (series.getItemCount() > 0) {
                data.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(label + " vs jobs watched", "jobs (N)", label, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("jobs (N)");
        x.setNumberFormatOverride(new DecimalFormat("#,##0"));
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis(label);
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        return chart;
    }
}
