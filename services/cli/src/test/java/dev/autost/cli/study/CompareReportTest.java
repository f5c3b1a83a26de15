package dev.autost.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompareReportTest {
    @Test
    void summaries_threeSeeds_meanTIntervalAndWinsOverRandom() {
        CompareReport r = new CompareReport(List.of(
                new CompareStudy.Row("random", 1, 15, 9, 0.60, 0.55),
                new CompareStudy.Row("flops", 1, 15, 9, 0.62, 0.60),
                new CompareStudy.Row("random", 2, 15, 9, 0.70, 0.65),
                new CompareStudy.Row("flops", 2, 15, 9, 0.66, 0.60),
                new CompareStudy.Row("random", 3, 15, 9, 0.65, 0.62),
                new CompareStudy.Row("flops", 3, 14, 8, 0.68, 0.61)));
        CompareReport.Summary random = r.summaries().get(0);
        CompareReport.Summary flops = r.summaries().get(1);
        assertEquals("random", random.arm());
        assertEquals(0.65, random.meanBest(), 1e-12);
        // sd 0.05, t(0.975, 2) = 4.3027: half width 0.05 * 4.3027 / sqrt(3) = 0.12421
        assertEquals(0.65 - 0.124208, random.low(), 1e-5);
        assertEquals(2, flops.winsOverRandom(), "seeds 1 and 3");
        assertEquals((15 + 15 + 14) / 3.0, flops.meanBudget(), 1e-12);
        assertEquals(
                "arm,seed,budget_epochs,trained,best_accuracy,mean_accuracy\n" + "random,1,15,9,0.6000,0.5500\n",
                r.csv().substring(0, r.csv().indexOf("flops")));
    }

    @Test
    void row_noTopRungResult_leavesTheMeanEmpty() {
        assertEquals("sahd,4,3,3,0.5000,", new CompareStudy.Row("sahd", 4, 3, 3, 0.5, Double.NaN).csv());
    }
}
