package dev.autost.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.CliRun;
import dev.autost.cli.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreCommandTest {
    private static final String REF384 =
            "{\"depth\":4,\"mlp_ratios\":[4,4,4,4],\"num_heads\":[8,8,8,8],\"embed_dim\":384}";
    private static final String REF256 = "{\"depth\":2,\"mlp_ratios\":[4,4],\"num_heads\":[8,8],\"embed_dim\":256}";

    @Test
    void score_referenceGenomes_printExactOfficialFigures() throws Exception {
        CliRun r = CliRun.run(REF384 + "\n", "score");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode row = Json.MAPPER.readTree(r.out());
        assertEquals(9_359_411L, row.get("params").asLong());
        assertEquals("3703150515.125", row.get("flops_syops").decimalValue().toPlainString());
        assertTrue(r.out().contains("\"flops_syops\":3703150515.125"), r.out());
        assertEquals("49133ded8448a5a0", row.get("hash").asText());
        assertTrue(row.get("flops_full").asLong() > 3_703_150_515L);
        assertTrue(row.get("energy_pj").asDouble() > 0);

        JsonNode ten = Json.MAPPER.readTree(
                CliRun.run(REF256 + "\n", "score", "--classes", "10").out());
        assertEquals(2_568_507L, ten.get("params").asLong());
        assertEquals("1244531344.3125", ten.get("flops_syops").decimalValue().toPlainString());
    }

    @Test
    void score_keepsInputFieldsAndOrder() throws Exception {
        JsonNode row = Json.MAPPER.readTree(CliRun.run("{\"id\":\"a7\"," + REF256.substring(1) + "\n", "score")
                .out());
        assertEquals("a7", row.get("id").asText());
        List<String> names = iterate(row);
        assertEquals(
                List.of(
                        "id",
                        "depth",
                        "mlp_ratios",
                        "num_heads",
                        "embed_dim",
                        "params",
                        "flops_syops",
                        "flops_full",
                        "energy_pj",
                        "energy_full_pj",
                        "hash"),
                names);
    }

    @Test
    void score_badLines_giveErrorLinesAndTheRunGoesOn() throws Exception {
        String in = REF256 + "\nnot json\n{\"depth\":2,\"mlp_ratios\":[4],\"num_heads\":[8,8],\"embed_dim\":256}\n\n"
                + "{\"depth\":1,\"mlp_ratios\":[4],\"num_heads\":[8],\"embed_dim\":100}\n" + REF384 + "\n";
        CliRun r = CliRun.run(in, "score");
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        assertTrue(lines[0].contains("\"params\""));
        assertEquals(2, Json.MAPPER.readTree(lines[1]).get("line").asInt());
        assertTrue(lines[1].contains("not valid JSON"), lines[1]);
        assertTrue(lines[2].contains("mlp_ratios has 1 entries but depth is 2"), lines[2]);
        assertTrue(lines[3].contains("\"line\":5") && lines[3].contains("divisible by 8"), lines[3]);
        assertTrue(lines[4].contains("\"params\":9359411"));
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("3 of 6 lines refused"), r.err());
    }

    @Test
    void score_spikformerBackbone_usesLifWithoutParameters() throws Exception {
        JsonNode row =
                Json.MAPPER.readTree(CliRun.run(REF384 + "\n", "score", "--backbone", "spikformer", "--classes", "10")
                        .out());
        assertEquals(9_324_730L, row.get("params").asLong());
    }

    @Test
    void score_invalidOption_isRefusedBeforeReading() {
        CliRun r = CliRun.run(REF384 + "\n", "score", "--patch-size", "3");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("patch_size"), r.err());
    }

    private static List<String> iterate(JsonNode row) {
        List<String> out = new java.util.ArrayList<>();
        row.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
