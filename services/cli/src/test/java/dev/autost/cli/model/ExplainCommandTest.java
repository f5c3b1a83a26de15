package dev.autost.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
    @TempDir
    Path dir;

    @Test
    void explain_referenceGenome_listsStemBlocksHeadAndTotals() {
        CliRun r = CliRun.run(
                null,
                "explain",
                "{\"depth\":2,\"mlp_ratios\":[4,4],\"num_heads\":[8,8],\"embed_dim\":256}",
                "--classes",
                "10");
        assertEquals(0, r.exitCode(), r.err());
        for (String s : List.of("stem", "blocks.0.attn", "blocks.1.mlp", "head", "1244531344.3125", "2,568,507")) {
            assertTrue(r.out().contains(s), s + " missing:\n" + r.out());
        }
    }

    @Test
    void explain_officialYamlFile_isAccepted() throws Exception {
        Path f = dir.resolve("arch.yaml");
        Files.writeString(f, "RETRAIN:\n  MLP_RATIO: [4, 4]\n  NUM_HEADS: [8, 8]\n  DEPTH: 2\n  EMBED_DIM: 256\n");
        CliRun r = CliRun.run(null, "explain", f.toString(), "--json", "--modules");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("blocks.1.mlp.fc2_linear"), r.out());
    }
}
