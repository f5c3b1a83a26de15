package dev.autost.api;

import dev.autost.domain.evaluation.ParetoFront;
import dev.autost.domain.evaluation.RankCorrelation;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of one experiment, drawn with XChart: the score against params with the Pareto front
 * marked, the best score per generation, and test accuracy against each training-free metric with
 * Kendall's tau in the title. Stateless; rendering runs off the event loop.
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
        XYChart chart;
        if (name.equals("score-params")) {
            chart = scoreVsParams(e);
        } else if (name.equals("best-score")) {
            chart = bestPerGeneration(e);
        } else if (name.startsWith("accuracy-") && METRICS.contains(name.substring("accuracy-".length()))) {
            chart = accuracyVs(e, name.substring("accuracy-".length()));
        } else {
            throw new IllegalArgumentException("no chart '" + name + "' (expected one of " + names() + ")");
        }
        return png(chart);
    }

    /** Test accuracy (y) against one metric (x) of trained architectures, Kendall's tau-b in the title, as PNG. */
    public static byte[] accuracyAgainst(String metric, double[] xs, double[] ys) {
        return png(accuracyChart(metric, xs, ys));
    }

    private static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static XYChart scoreVsParams(ExperimentStore.Experiment e) {
        List<Score> all = e.scores();
        XYChart c = chart("Training-free score against parameters: " + e.id(), "parameters (M)", "flops_syops (G)");
        scatter(c, "candidates", all, s -> s.getParams() / 1e6, s -> s.getFlopsSyops() / 1e9, new Color(120, 150, 200));
        List<Score> front = ParetoFront.front(all, Score::getFlopsSyops, s -> (double) s.getParams());
        XYSeries f = scatter(
                c,
                "Pareto front (score up, params down)",
                front,
                s -> s.getParams() / 1e6,
                s -> s.getFlopsSyops() / 1e9,
                new Color(200, 40, 40));
        if (f != null) {
            f.setMarker(SeriesMarkers.DIAMOND);
        }
        return c;
    }

    static XYChart bestPerGeneration(ExperimentStore.Experiment e) {
        Map<Integer, Double> best = new TreeMap<>();
        for (Score s : e.scores()) {
            best.merge(s.getGeneration(), s.getFlopsSyops(), Math::max);
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        double sofar = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Integer, Double> g : best.entrySet()) {
            sofar = Math.max(sofar, g.getValue());
            x.add((double) g.getKey());
            y.add(sofar / 1e9);
        }
        XYChart c = chart("Best score so far per generation: " + e.id(), "generation", "best flops_syops (G)");
        if (!x.isEmpty()) {
            c.addSeries("best so far", x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    static XYChart accuracyVs(ExperimentStore.Experiment e, String metric) {
        Map<String, TrainResult> results = e.results();
        List<Score> trained = e.scores().stream()
                .filter(s -> {
                    TrainResult r = results.get(s.getGenomeHash());
                    return r != null && r.getStatus() == TrainResult.Status.OK;
                })
                .toList();
        ToDoubleFunction<Score> m = s -> switch (metric) {
            case "flops_syops" -> s.getFlopsSyops();
            case "flops_full" -> s.getFlopsFull();
            case "params" -> s.getParams();
            default -> s.getEnergyPj();
        };
        double[] xs = trained.stream().mapToDouble(m).toArray();
        double[] ys = trained.stream()
                .mapToDouble(s -> results.get(s.getGenomeHash()).getTestAccuracy())
                .toArray();
        return accuracyChart(metric, xs, ys);
    }

    private static XYChart accuracyChart(String metric, double[] xs, double[] ys) {
        double tau = xs.length < 2 ? Double.NaN : RankCorrelation.kendallTauB(xs, ys);
        String title = String.format(
                "Test accuracy against %s: Kendall tau-b = %s (n = %d)",
                metric, Double.isNaN(tau) ? "n/a" : String.format("%.3f", tau), xs.length);
        XYChart c = chart(title, metric, "test accuracy");
        if (xs.length > 0) {
            c.addSeries("trained", xs, ys).setMarkerColor(new Color(40, 120, 60));
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

    private static XYSeries scatter(
            XYChart c,
            String name,
            List<Score> items,
            ToDoubleFunction<Score> x,
            ToDoubleFunction<Score> y,
            Color color) {
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
