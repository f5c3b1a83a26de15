package dev.autost.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost study --compare} end to end on the embedded broker with real training (128
 * images, so it proves the mechanics, not which arm wins): all four arms of one seed at an equal
 * budget of 4 epochs (rungs 1,2, eta 2), compare.csv in its contract's columns.
 */
class StudyCompareIT {
    @TempDir
    Path dir;

    @Test
    void compare_fourArmsOneSeed_equalBudgetsAndTheCsvContract() throws Exception {
        Path out = dir.resolve("compare");
        CliRun r = CliRun.line("study --compare --seeds 1 --seed 5 --rungs 1,2 --eta 2 --train-budget 4"
                + " --calibration-size 3 --population 6 --generations 1 --limit-train 128 --limit-test 128"
                + " --trainers 1 --checkpoint-dir " + dir.resolve("ckpt") + " --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals("arm,seed,budget_epochs,trained,best_accuracy,mean_accuracy", csv.get(0));
        assertEquals(5, csv.size(), csv.toString());
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertEquals("5", f[1], line);
            int budget = Integer.parseInt(f[2]);
            assertTrue(budget >= 3 && budget <= 4, "within the budget of 4: " + line);
            assertTrue(Integer.parseInt(f[3]) >= 2, line);
            double best = Double.parseDouble(f[4]);
            assertTrue(best >= 0 && best <= 1, line);
        }
        assertEquals(
                List.of("random", "flops", "sahd", "calibrated"),
                csv.subList(1, 5).stream().map(l -> l.split(",")[0]).toList());
        assertTrue(Files.size(out.resolve("charts").resolve("compare-best-accuracy.png")) > 1000);
        assertTrue(Files.readString(out.resolve("compare.md")).contains("seeds better than random"));
    }

    @Test
    void compare_withStudyOneOptions_refusedNamingThem() {
        CliRun r = CliRun.line("study --compare --archs 5 --out " + dir);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("--archs belongs to study 1"), r.err());
        CliRun budget = CliRun.line("study --compare --train-budget 4 --calibration-size 4 --out " + dir);
        assertTrue(budget.err().contains("leaves the calibrated arm nothing"), budget.err());
    }
}
