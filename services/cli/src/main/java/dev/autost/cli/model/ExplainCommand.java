package dev.autost.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.cli.json.Json;
import dev.autost.cli.options.ModelOptions;
import dev.autost.domain.cost.CostBreakdown;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.LayerCost;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code autost explain}: where a genome's parameters, FLOPs and energy go. */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the per-layer cost breakdown of one genome.",
            "The genome is JSON (like autost score's input) or a path to a JSON or official RETRAIN YAML file.",
            "Columns: params; syops = the official FLOPs count (what AutoST's score sums); full = every operation,",
            "attention matmuls, scale, residual adds and means included; AC/MAC = accumulates and",
            "multiply-accumulates of the official count; energy in microjoules per image."
        })
public final class ExplainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "GENOME", description = "Genome JSON, or a .json/.yaml file.")
    String genome;

    @Option(
            names = "--modules",
            description = "List every module instead of grouping per stem, attention, MLP and head.")
    boolean modules;

    @Option(names = "--json", description = "Print the breakdown as JSON.")
    boolean json;

    @Mixin
    ModelOptions model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Genome g = readGenome(genome);
        CostBreakdown b = model.costModel().explain(g);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, double[]> groups = new LinkedHashMap<>();
        for (LayerCost m : b.modules()) {
            String key = modules ? m.name() : CostBreakdown.layerOf(m.name());
            double[] acc = groups.computeIfAbsent(key, k -> new double[5]);
            acc[0] += m.params();
            acc[1] += m.syops();
            acc[2] += m.full();
            acc[3] += m.acOps();
            acc[4] += m.macOps();
        }
        CostEstimate t = b.total();
        if (json) {
            ObjectNode root = Json.row(g, t);
            ArrayNode rows = root.putArray(modules ? "modules" : "layers");
            groups.forEach((name, a) -> {
                ObjectNode r = rows.addObject();
                r.put("name", name);
                r.put("params", (long) a[0]);
                r.put("flops_syops", a[1]);
                r.put("flops_full", (long) a[2]);
                r.put("ac_ops", a[3]);
                r.put("mac_ops", a[4]);
            });
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return 0;
        }
        out.println("genome " + g.canonicalJson() + "  hash " + g.hash());
        out.printf(
                "setting: %s backbone, %dx%dx%d input, patch %d (%d tokens), T=%d, %d classes%n",
                model.setting().backbone().id(),
                model.setting().imageSize(),
                model.setting().imageSize(),
                model.setting().channels(),
                model.setting().patchSize(),
                model.setting().tokens(),
                g.timeStepsOr(model.setting().timeSteps()),
                model.setting().classes());
        String fmt = "%-28s %12s %17s %17s %7s %12s %12s%n";
        out.printf(fmt, "layer", "params", "flops_syops", "flops_full", "syops%", "AC", "MAC");
        for (Map.Entry<String, double[]> e : groups.entrySet()) {
            double[] a = e.getValue();
            out.printf(
                    fmt,
                    e.getKey(),
                    String.format("%,d", (long) a[0]),
                    String.format("%,.0f", a[1]),
                    String.format("%,d", (long) a[2]),
                    String.format("%.1f", 100 * a[1] / t.flopsSyops()),
                    String.format("%,.0f", a[3]),
                    String.format("%,.0f", a[4]));
        }
        out.printf(
                fmt,
                "total",
                String.format("%,d", t.params()),
                t.flopsSyopsExact().toPlainString(),
                String.format("%,d", t.flopsFull()),
                "100.0",
                String.format("%,.0f", t.acOps()),
                String.format("%,.0f", t.macOps()));
        out.printf(
                "energy: %.3f uJ (official count), %.3f uJ (full count); AC %.1f pJ, MAC %.1f pJ%n",
                t.energyPj() / 1e6, t.energyFullPj() / 1e6, 0.9, 4.6);
        return 0;
    }

    /** A genome from JSON on the command line, or from a file holding JSON or the official YAML. */
    public static Genome readGenome(String arg) throws IOException {
        String text = arg.trim();
        if (!text.startsWith("{")) {
            Path p = Path.of(text);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("'" + arg + "' is neither genome JSON nor a readable file");
            }
            text = Files.readString(p).trim();
            if (!text.startsWith("{")) {
                return GenomeCodec.fromOfficialYaml(text);
            }
        }
        return GenomeCodec.fromJson(text);
    }
}
