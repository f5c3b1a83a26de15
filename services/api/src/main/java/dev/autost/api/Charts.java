package dev.autost.api;

import dev.autost.domain.evaluation.ParetoFront;
import dev.autost.domain.evaluation.RankCorrelation;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of one experiment, drawn with XChart: the objective's score against params with the
 * Pareto front marked, the best score per generation, and test accuracy against each training-free
 * metric with Kendall's tau in the title; where there is nothing to draw yet, a picture that says
 * what is missing. Stateless; rendering runs off the event loop.
 */
public final class Charts {
    /** Metrics that accuracy is plotted against. */
    public static final List<String> METRICS = List.of("flops_syops", "flops_full", "params", "energy_pj");

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private Charts() {}

    /** Names {@link #render} accepts, for the page and {@code autost report}. */
    public static List<String> names() {
        List<String> n = new ArrayList<>(List.of("score-params", "best-score"));
        METRICS.forEach(m -> n.add("accuracy-" + m));
        return n;
    }

    /**
     * @throws IllegalArgumentException for an unknown chart name
     */
    public static byte[] render(ExperimentStore.Experiment e, String name) {
        boolean accuracy = name.startsWith("accuracy-") && METRICS.contains(name.substring("accuracy-".length()));
        if (!name.equals("score-params") && !name.equals("best-score") && !accuracy) {
            throw new IllegalArgumentException("no chart '" + name + "' (expected one of " + names() + ")");
        }
        List<ScoreMessages.Ranked> ranked = e.ranking();
        if (ranked.isEmpty()) {
            return message(
                    name,
                    e.scored() == 0
                            ? "No candidate scored yet."
                            : "No candidate has its " + e.objective() + " yet (it waits for the prober).");
        }
        if (name.equals("score-params")) {
            return png(scoreVsParams(e, ranked));
        }
        if (name.equals("best-score")) {
            return png(bestPerGeneration(e, ranked));
        }
        return accuracyAgainst(
                name.substring("accuracy-".length()), accuracyData(e, name.substring("accuracy-".length())));
    }

    /** Test accuracy (y) against one metric (x) of trained architectures, Kendall's tau-b in the title, as PNG. */
    public static byte[] accuracyAgainst(String metric, double[] xs, double[] ys) {
        if (xs.length == 0) {
            return message(
                    "accuracy-" + metric,
                    "No trained candidate yet: test accuracy against " + metric
                            + " appears once candidates are trained (train_top_k > 0).");
        }
        return png(accuracyChart(metric, xs, ys));
    }

    private static byte[] accuracyAgainst(String metric, double[][] xy) {
        return accuracyAgainst(metric, xy[0], xy[1]);
    }

    /**
     * A chart-sized PNG that says what is missing, in place of empty axes from -1 to 1 (the page
     * and {@code autost report} show it where the chart would be).
     */
    static byte[] message(String chart, String text) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(new Color(90, 90, 90));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(chart, 30, 60);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
            int y = HEIGHT / 2;
            for (String line : wrap(text, 80)) {
                g.drawString(line, 30, y);
                y += 24;
            }
        } finally {
            g.dispose();
        }
        try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + word.length() + 1 > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The objective's value as plotted: FLOPs in billions, anything else as it is. */
    private static double plotted(ExperimentStore.Experiment e, double score) {
        return e.objective().id().startsWith("flops_") ? score / 1e9 : score;
    }

    private static String axis(ExperimentStore.Experiment e) {
        return e.objective().id().startsWith("flops_")
                ? e.objective() + " (G)"
                : e.objective().id();
    }

    static XYChart scoreVsParams(ExperimentStore.Experiment e, List<ScoreMessages.Ranked> ranked) {
        // Candidates a probe gate left out (minus infinity) have no place on this axis.
        List<ScoreMessages.Ranked> all = ranked.stream()
                .filter(r -> Double.isFinite(r.outcome().score()))
                .toList();
        // A finished experiment draws its summary's candidates: say so, in a title that still fits.
        String title = e.summarised()
                ? "Score against parameters: " + e.id() + " (" + e.kept() + " of " + e.scored() + " kept)"
                : "Training-free score against parameters: " + e.id();
        XYChart c = chart(title, "parameters (M)", axis(e));
        scatter(
                c,
                "candidates",
                all,
                r -> r.score().getParams() / 1e6,
                r -> plotted(e, r.outcome().score()),
                new Color(120, 150, 200));
        List<ScoreMessages.Ranked> front = ParetoFront.front(
                all, r -> r.outcome().score(), r -> (double) r.score().getParams());
        XYSeries f = scatter(
                c,
                "Pareto front (score up, params down)",
                front,
                r -> r.score().getParams() / 1e6,
                r -> plotted(e, r.outcome().score()),
                new Color(200, 40, 40));
        if (f != null) {
            f.setMarker(SeriesMarkers.DIAMOND);
        }
        return c;
    }

    static XYChart bestPerGeneration(ExperimentStore.Experiment e, List<ScoreMessages.Ranked> ranked) {
        Map<Integer, Double> best = new TreeMap<>();
        for (ScoreMessages.Ranked r : ranked) {
            if (Double.isFinite(r.outcome().score())) {
                best.merge(r.score().getGeneration(), r.outcome().score(), Math::max);
            }
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        double sofar = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Integer, Double> g : best.entrySet()) {
            sofar = Math.max(sofar, g.getValue());
            x.add((double) g.getKey());
            y.add(plotted(e, sofar));
        }
        XYChart c = chart("Best score so far per generation: " + e.id(), "generation", "best " + axis(e));
        if (!x.isEmpty()) {
            c.addSeries("best so far", x, y).setMarker(SeriesMarkers.CIRCLE);
            keepRangesOpen(
                    c,
                    x.stream().mapToDouble(Double::doubleValue).toArray(),
                    y.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return c;
    }

    /**
     * An axis whose values are all equal (every generation's best the same, one trained point)
     * gets a range around that value: XChart's ticks for an empty range read like
     * {@code 0674372343125}, a number nobody can use.
     */
    static void keepRangesOpen(XYChart c, double[] xs, double[] ys) {
        double[] x = around(xs);
        if (x != null) {
            c.getStyler().setXAxisMin(x[0]).setXAxisMax(x[1]);
        }
        double[] y = around(ys);
        if (y != null) {
            c.getStyler().setYAxisMin(y[0]).setYAxisMax(y[1]);
        }
    }

    /** {min, max} around the values when they are all equal (and finite), else null. */
    private static double[] around(double[] v) {
        if (v.length == 0) {
            return null;
        }
        double lo = java.util.Arrays.stream(v).min().getAsDouble();
        double hi = java.util.Arrays.stream(v).max().getAsDouble();
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || hi - lo > 1e-9 * Math.max(1, Math.abs(hi))) {
            return null;
        }
        double pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
        return new double[] {lo - pad, hi + pad};
    }

    /** {xs, ys}: one metric and the test accuracy of the successfully trained candidates. */
    static double[][] accuracyData(ExperimentStore.Experiment e, String metric) {
        Map<String, TrainResult> results = e.results();
        List<Score> trained = e.scores().stream()
                .filter(s -> TrainMessages.succeeded(results.get(s.getGenomeHash())))
                .toList();
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("no accuracy chart against '" + metric + "' (charts: " + METRICS + ")");
        }
        // The metric by its name as reports and docs use it: one table of names, ScoreMessages'.
        ToDoubleFunction<Score> m = s -> ScoreMessages.metrics(s, null).get(metric);
        double[] xs = trained.stream().mapToDouble(m).toArray();
        double[] ys = trained.stream()
                .mapToDouble(s -> results.get(s.getGenomeHash()).getTestAccuracy())
                .toArray();
        return new double[][] {xs, ys};
    }

    private static XYChart accuracyChart(String metric, double[] xs, double[] ys) {
        double tau = xs.length < 2 ? Double.NaN : RankCorrelation.kendallTauB(xs, ys);
        String title = String.format(
                "Test accuracy against %s: Kendall tau-b = %s (n = %d)",
                metric, Double.isNaN(tau) ? "n/a" : String.format("%.3f", tau), xs.length);
        XYChart c = chart(title, metric, "test accuracy");
        if (xs.length > 0) {
            c.addSeries("trained", xs, ys).setMarkerColor(new Color(40, 120, 60));
            keepRangesOpen(c, xs, ys);
        }
        return c;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    private static <T> XYSeries scatter(
            XYChart c, String name, List<T> items, ToDoubleFunction<T> x, ToDoubleFunction<T> y, Color color) {
        if (items.isEmpty()) {
            return null;
        }
        XYSeries s = c.addSeries(
                name,
                items.stream().mapToDouble(x).toArray(),
                items.stream().mapToDouble(y).toArray());
        s.setMarkerColor(color);
        return s;
    }
}
