package dev.autost.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableCompareTest {
    @Test
    void compare_everyArmSeedAndBudget_spendsTheBudgetAndWritesTheContractColumns(@TempDir Path dir) throws Exception {
        Path table = SyntheticTable.write(dir);
        Path out = dir.resolve("out");
        CliRun r = CliRun.line("study --compare --table " + table + " --seeds 4 --budgets 6,12 --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("table-compare.csv"));
        assertTrue(lines.get(0).startsWith("arm,seed,budget_epochs,epochs_spent,"), lines.get(0));
        assertEquals(1 + 9 * 4 * 2, lines.size(), "9 arms x 4 seeds x 2 budgets");
        Map<String, List<String[]>> byArm = lines.subList(1, lines.size()).stream()
                .map(l -> l.split(","))
                .collect(Collectors.groupingBy(c -> c[0]));
        assertEquals(
                java.util.Set.of(
                        "random", "flops", "sahd", "calibrated", "warmup", "model", "halving", "tse", "model-lab"),
                byArm.keySet());
        for (List<String[]> rows : byArm.values()) {
            for (String[] c : rows) {
                int budget = Integer.parseInt(c[2]);
                int spent = Integer.parseInt(c[3]);
                assertTrue(spent <= budget && spent >= 0.95 * budget, String.join(",", c));
                double regret = Double.parseDouble(c[6]);
                assertTrue(regret >= 0 && regret < 0.3, String.join(",", c));
            }
        }
        String md = Files.readString(out.resolve("table-compare.md"));
        assertTrue(md.contains("| 18 | model |") && md.contains("wins / ties / losses"), md);
        assertTrue(md.contains("What warm_start lab is worth"), md);
        assertTrue(Files.size(out.resolve("charts/table-compare-regret.png")) > 1000);
        assertTrue(r.err().contains("72 experiments"), r.err());
    }

    @Test
    void compare_sameSeed_sameFigures(@TempDir Path dir) throws Exception {
        Path table = SyntheticTable.write(dir);
        CliRun a = CliRun.line("study --compare --table " + table + " --seeds 2 --budgets 6 --out " + dir.resolve("a"));
        CliRun b = CliRun.line("study --compare --table " + table + " --seeds 2 --budgets 6 --out " + dir.resolve("b"));
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(
                Files.readString(dir.resolve("a/table-compare.csv")),
                Files.readString(dir.resolve("b/table-compare.csv")));
    }

    @Test
    void compare_withTableOptionsOfTrainedStudies_isRefusedNamingThem(@TempDir Path dir) throws Exception {
        Path table = SyntheticTable.write(dir);
        CliRun r = CliRun.line("study --compare --table " + table + " --rungs 1,3 --out " + dir.resolve("o"));
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("--rungs does not apply to --compare --table"), r.err());
        CliRun b = CliRun.line("study --compare --table " + table + " --budgets 0 --out " + dir.resolve("o"));
        assertTrue(b.err().contains("--budgets must be at least 1"), b.err());
        CliRun lab = CliRun.line(
                "study --compare --table " + table + " --arms model,model-lab --seeds 1 --out " + dir.resolve("o"));
        assertTrue(lab.err().contains("add random to --arms"), lab.err());
    }
}
