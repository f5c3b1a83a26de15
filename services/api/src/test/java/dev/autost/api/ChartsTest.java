package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartsTest {
    @Test
    void accuracyAgainst_nothingTrained_saysSoInsteadOfDrawingEmptyAxes() throws Exception {
        byte[] png = Charts.accuracyAgainst("params", new double[0], new double[0]);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
        assertArrayEquals(
                Charts.message(
                        "accuracy-params",
                        "No trained candidate yet: test accuracy against params appears once candidates are"
                                + " trained (train_top_k > 0)."),
                png);
    }

    @Test
    void accuracyAgainst_trainedCandidates_drawsTheChart() {
        byte[] png = Charts.accuracyAgainst("params", new double[] {1, 2, 3}, new double[] {0.5, 0.6, 0.7});
        assertFalse(java.util.Arrays.equals(
                png,
                Charts.message(
                        "accuracy-params",
                        "No trained candidate yet: test accuracy against params appears once candidates are"
                                + " trained (train_top_k > 0).")));
    }

    @Test
    void keepRangesOpen_allValuesEqual_getARangeAroundThem_otherwiseXChartChooses() {
        org.knowm.xchart.XYChart flat = new org.knowm.xchart.XYChartBuilder().build();
        Charts.keepRangesOpen(flat, new double[] {0, 1, 2}, new double[] {6.74e11, 6.74e11, 6.74e11});
        assertEquals(null, flat.getStyler().getXAxisMin(), "x varies: XChart's own range");
        assertTrue(flat.getStyler().getYAxisMin() < 6.74e11 && flat.getStyler().getYAxisMax() > 6.74e11);
        assertEquals(6.74e11 * 0.95, flat.getStyler().getYAxisMin(), 1);

        org.knowm.xchart.XYChart onePoint = new org.knowm.xchart.XYChartBuilder().build();
        Charts.keepRangesOpen(onePoint, new double[] {0}, new double[] {0});
        assertEquals(-1, onePoint.getStyler().getXAxisMin());
        assertEquals(1, onePoint.getStyler().getYAxisMax());
    }
}
