package dev.autost.cli.study;

import dev.autost.domain.benchmark.BenchmarkTable;
import dev.autost.domain.benchmark.TableRow;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test data: a table of every member of fashion-table with made-up figures, so the comparison's
 * code runs on a whole space without hours of training. The real cost model gives params and
 * FLOPs; the final accuracy rises with width and depth, SAHD follows it with noise, NASWOT is
 * noise, so a proxy-guided search has something to find and random search does not.
 */
final class SyntheticTable {
    private SyntheticTable() {}

    static Path write(Path dir) throws Exception {
        SearchSpace space = SearchSpaces.builtIn("fashion-table");
        CostModel model = new CostModel(space.modelSetting());
        Path table = dir.resolve("table.csv");
        java.util.Random rng = new java.util.Random(11);
        for (Genome g : space.members(1000)) {
            CostEstimate c = model.estimate(g);
            if (!space.constraints().params().contains(c.params())) {
                continue;
            }
            double quality = g.embedDim() / 64.0
                    + g.depth() / 6.0
                    + g.mlpRatios().stream().mapToDouble(Double::doubleValue).sum() / 40.0;
            double top = 0.55 + 0.2 * quality / 2.2 + 0.01 * rng.nextGaussian();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("params", (double) c.params());
            m.put("flops_syops", c.flopsSyops());
            m.put("flops_full", (double) c.flopsFull());
            m.put("energy_pj", c.energyPj());
            m.put("sahd", 100 * quality + 8 * rng.nextGaussian());
            m.put("naswot", 50 + 5 * rng.nextGaussian());
            m.put("energy_init_pj", c.energyPj() * 0.5);
            BenchmarkTable.append(
                    table,
                    new TableRow(
                            g,
                            m,
                            1,
                            List.of(top - 0.1, top - 0.03, top),
                            List.of(2.0, 1.6, 1.4),
                            List.of(top - 0.12, top - 0.05, top - 0.01),
                            900,
                            30));
        }
        Files.writeString(
                dir.resolve("recipe.json"),
                "{\"space\":\"fashion-table\",\"dataset\":\"fashion-mnist\",\"epochs\":3,\"backbone\":\"autost\","
                        + "\"time_steps\":4,\"seed\":1}");
        return table;
    }
}
