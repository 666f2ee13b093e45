package dev.bm3.train;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Draws loss (left axis) and the validation metric (right axis) by epoch to a PNG. */
public final class TrainingCurvePlot {
    private TrainingCurvePlot() {
    }

    public static void write(RunDirectory run, List<EpochRecord> records, String metric, String title) {
        XYSeries loss = new XYSeries("training loss");
        XYSeries valid = new XYSeries("valid " + metric);
        for (EpochRecord r : records) {
            loss.add(r.epoch(), r.loss());
            valid.add(r.epoch(), r.valid().get(metric));
        }
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(new NumberAxis("epoch"));
        NumberAxis lossAxis = new NumberAxis("loss");
        lossAxis.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(0, lossAxis);
        plot.setDataset(0, new XYSeriesCollection(loss));
        plot.setRenderer(0, renderer(new Color(0x1f77b4)));
        NumberAxis metricAxis = new NumberAxis("valid " + metric);
        metricAxis.setAutoRangeIncludesZero(true);
        plot.setRangeAxis(1, metricAxis);
        plot.setDataset(1, new XYSeriesCollection(valid));
        plot.setRenderer(1, renderer(new Color(0xd62728)));
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        run.writeAtomically(RunDirectory.CURVE, (Path tmp) -> {
            try {
                ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 500);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static XYLineAndShapeRenderer renderer(Color color) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(2f));
        return r;
    }
}
