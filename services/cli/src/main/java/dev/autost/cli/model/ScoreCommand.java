package dev.autost.cli.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.cli.json.Json;
import dev.autost.cli.options.ModelOptions;
import dev.autost.domain.AutostException;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code autost score}: JSON lines in, JSON lines out. Each output line is the input
 * object with {@code params}, {@code flops_syops}, {@code flops_full}, {@code energy_pj},
 * {@code energy_full_pj} and {@code hash} added; a bad line becomes
 * {@code {"line": N, "error": "..."}} and the run goes on.
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Scores genomes read as JSON lines on stdin, one output line per input line.",
            "Input:  {\"depth\":4,\"mlp_ratios\":[4,4,4,4],\"num_heads\":[8,8,8,8],\"embed_dim\":384}",
            "Output: the same fields plus params, flops_syops, flops_full, energy_pj, energy_full_pj, hash.",
            "A line that cannot be scored gives {\"line\":N,\"error\":\"...\"}; blank lines are skipped."
        },
        footer = {"", "Exit status: 0 when every line was scored, 1 when at least one line was refused."})
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Spec
    CommandSpec spec;

    /** Where genomes are read from; tests replace it. */
    private java.io.InputStream input = System.in;

    /** Reads genomes from {@code in} instead of stdin (tests). */
    public void readFrom(java.io.InputStream in) {
        this.input = in;
    }

    @Override
    public Integer call() throws IOException {
        CostModel costs = model.costModel();
        PrintWriter out = spec.commandLine().getOut();
        BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16);
        int refused = 0;
        long lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String result = scoreLine(costs, line, lineNo);
            if (result.startsWith("{\"line\":")) {
                refused++;
            }
            out.println(result);
        }
        out.flush();
        if (refused > 0) {
            spec.commandLine()
                    .getErr()
                    .println("autost score: " + refused + " of " + lineNo
                            + " lines refused (see their \"error\" fields)");
        }
        return refused == 0 ? 0 : 1;
    }

    /** One input line to one output line; never throws for bad input. */
    static String scoreLine(CostModel costs, String line, long lineNo) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            Genome g = GenomeCodec.fromJson(node);
            CostEstimate c = costs.estimate(g);
            ObjectNode row = ((ObjectNode) node).deepCopy();
            Json.writeCost(row, g, c);
            return Json.MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            return error(lineNo, "not valid JSON: " + e.getOriginalMessage());
        } catch (AutostException | IllegalArgumentException e) {
            return error(lineNo, e.getMessage());
        } catch (ArithmeticException e) {
            return error(lineNo, "sizes too large: an operation count overflows a 64-bit integer");
        }
    }

    private static String error(long lineNo, String message) {
        ObjectNode err = Json.MAPPER.createObjectNode();
        err.put("line", lineNo);
        err.put("error", message);
        try {
            return Json.MAPPER.writeValueAsString(err);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
