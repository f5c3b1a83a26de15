package dev.autost.domain.genome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class GenomeCodecTest {
    private static final SearchSpace SMALL = SearchSpaces.builtIn("small");

    @Test
    void canonicalJson_fixedKeyOrderAndPlainNumbers() {
        Genome g = new Genome(2, List.of(4.0, 3.5), List.of(8, 4), 256, 0);
        assertEquals("{\"depth\":2,\"mlp_ratios\":[4,3.5],\"num_heads\":[8,4],\"embed_dim\":256}", g.canonicalJson());
        Genome withT = new Genome(1, List.of(4.0), List.of(8), 256, 8);
        assertTrue(withT.canonicalJson().endsWith(",\"time_steps\":8}"));
    }

    @Test
    void hash_isTheSameInEveryJvm() {
        // Golden value from `printf %s <canonical json> | sha256sum`; changing it breaks every stored key.
        assertEquals("49133ded8448a5a0", Genome.uniform(4, 4, 8, 384).hash());
        assertEquals(
                GenomeHash.ofCanonical(Genome.uniform(4, 4, 8, 384).canonicalJson()),
                Genome.uniform(4, 4, 8, 384).hash());
    }

    @Test
    void hash_differsWhenAnyGeneDiffers() {
        Genome g = Genome.uniform(2, 4, 8, 256);
        assertNotEquals(g.hash(), Genome.uniform(2, 4, 4, 256).hash());
        assertNotEquals(g.hash(), Genome.uniform(2, 3, 8, 256).hash());
        assertNotEquals(g.hash(), Genome.uniform(3, 4, 8, 256).hash());
        assertNotEquals(g.hash(), Genome.uniform(2, 4, 8, 320).hash());
        assertNotEquals(g.hash(), new Genome(2, g.mlpRatios(), g.numHeads(), 256, 8).hash());
    }

    @Property(tries = 200)
    void json_roundTripsAndEqualGenomesHashEqually(@ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        Genome g = SMALL.sample(new SplittableRandom(seed));
        Genome back = GenomeCodec.fromJson(GenomeCodec.toJson(g).toString());
        assertEquals(g, back);
        assertEquals(g.hash(), back.hash());
        assertEquals(g.hashCode(), back.hashCode());
    }

    @Property(tries = 100)
    void officialYaml_roundTrips(@ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        Genome g = SMALL.sample(new SplittableRandom(seed));
        String yaml = GenomeCodec.toOfficialYaml(g, Map.of("SCORE", 1.5));
        assertEquals(g, GenomeCodec.fromOfficialYaml(yaml));
    }

    @Test
    void fromOfficialYaml_acceptsAutoFormerStyleFile() {
        String yaml = """
                RETRAIN:
                  MLP_RATIO: [3.5, 4.0, 4.0]
                  NUM_HEADS: [4, 8, 4]
                  DEPTH: 3
                  EMBED_DIM: [256]
                """;
        assertEquals(
                new Genome(3, List.of(3.5, 4.0, 4.0), List.of(4, 8, 4), 256, 0), GenomeCodec.fromOfficialYaml(yaml));
    }

    @Test
    void toOfficialYaml_writesRetrainBlock() {
        String yaml = GenomeCodec.toOfficialYaml(Genome.uniform(2, 4, 8, 256), Map.of("PARAMS", 2568507));
        assertTrue(yaml.startsWith("RETRAIN:\n  MLP_RATIO:\n  - 4.0\n  - 4.0\n  NUM_HEADS:"), yaml);
        assertTrue(
                yaml.contains("DEPTH: 2") && yaml.contains("EMBED_DIM: 256") && yaml.contains("PARAMS: 2568507"), yaml);
    }

    @Test
    void fromJson_errors_nameTheField() {
        assertMessage("depth is missing", "{\"mlp_ratios\":[4],\"num_heads\":[8],\"embed_dim\":256}");
        assertMessage(
                "mlp_ratios has 1 entries but depth is 2",
                "{\"depth\":2,\"mlp_ratios\":[4],\"num_heads\":[8,8],\"embed_dim\":256}");
        assertMessage(
                "num_heads[0] must be an integer",
                "{\"depth\":1,\"mlp_ratios\":[4],\"num_heads\":[\"x\"],\"embed_dim\":256}");
        assertMessage("not valid JSON", "{depth:");
        assertMessage("embed_dim must be in", "{\"depth\":1,\"mlp_ratios\":[4],\"num_heads\":[8],\"embed_dim\":-1}");
        assertMessage("a genome must be a JSON object", "[1,2]");
    }

    @Test
    void fromOfficialYaml_missingRetrain_explains() {
        InvalidGenomeException e =
                assertThrows(InvalidGenomeException.class, () -> GenomeCodec.fromOfficialYaml("DEPTH: 3\n"));
        assertTrue(e.getMessage().contains("RETRAIN"));
    }

    private static void assertMessage(String expected, String json) {
        InvalidGenomeException e = assertThrows(InvalidGenomeException.class, () -> GenomeCodec.fromJson(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
