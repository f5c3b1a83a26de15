package dev.autost.domain.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchSpacesTest {
    private static final String VALID = """
            name: mine
            embed_dims: [64, 128]
            depth: {min: 1, max: 3}
            mlp_ratios: [2, 4]
            num_heads: [4, 8]
            """;

    @Test
    void builtIn_small_matchesReference() {
        SearchSpace s = SearchSpaces.builtIn("small");
        assertEquals(List.of(256, 320, 384, 448, 512), s.embedDims());
        assertEquals(2, s.minDepth());
        assertEquals(12, s.maxDepth());
        assertEquals(List.of(3.0, 4.0, 5.0), s.mlpRatios());
        assertEquals(List.of(4, 8), s.numHeads());
        assertEquals(ModelSetting.OFFICIAL, s.modelSetting());
        assertEquals(Window.between(11e6, 12e6), s.constraints().params());
        assertFalse(s.searchesTimeSteps());
    }

    @ParameterizedTest
    @CsvSource({"tiny, 2.9e8", "small, 1.3e10", "base, 2.8e14"})
    void builtIn_size_matchesReference(String name, double expected) {
        double size = SearchSpaces.builtIn(name).size().doubleValue();
        assertEquals(expected, size, expected * 0.03);
    }

    @Test
    void builtIn_base_hasStep64EmbedDims() {
        assertEquals(
                List.of(384, 448, 512, 576, 640, 704, 768),
                SearchSpaces.builtIn("base").embedDims());
        assertEquals(List.of(3.0, 4.0, 5.0, 6.0), SearchSpaces.builtIn("base").mlpRatios());
    }

    @Test
    void parse_minimalFile_defaultsToOfficialSettingWithoutWindow() {
        SearchSpace s = SearchSpaces.parse(VALID);
        assertEquals("mine", s.name());
        assertEquals(ModelSetting.OFFICIAL, s.modelSetting());
        assertEquals(Constraints.NONE, s.constraints());
    }

    @Test
    void parse_severalTimeSteps_makesTimeStepsAGene() {
        SearchSpace s = SearchSpaces.parse(VALID + "time_steps: [2, 4, 8]\n");
        assertTrue(s.searchesTimeSteps());
        assertEquals(2, s.modelSetting().timeSteps());
    }

    @Test
    void parse_userSetting_isKept() {
        SearchSpace s = SearchSpaces.parse(VALID + "image_size: 28\nchannels: 1\nclasses: 10\nbackbone: spikformer\n"
                + "constraints:\n  params: {max: 2000000}\n  energy_pj: {min: 1}\n");
        assertEquals(new ModelSetting(Backbone.SPIKFORMER, 28, 1, 4, 10, 4, 32), s.modelSetting());
        assertEquals(new Window(null, 2e6), s.constraints().params());
        assertEquals(new Window(1.0, null), s.constraints().energyPj());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "empty choice list | embed_dims: [64, 128] | embed_dims: [] | embed_dims",
                "depth min above max | 'depth: {min: 1, max: 3}' | 'depth: {min: 4, max: 3}' | depth",
                "D not divisible by 8 | embed_dims: [64, 128] | embed_dims: [64, 100] | embed_dims[1]",
                "D not divisible by a head count | 'num_heads: [4, 8]' | 'num_heads: [4, 8, 6]' | embed_dims[0]",
                "unknown key | name: mine | colour: blue | colour",
                "unknown nested key | 'depth: {min: 1, max: 3}' | 'depth: {min: 1, max: 3, step: 1}' | depth.step",
                "negative ratio | 'mlp_ratios: [2, 4]' | 'mlp_ratios: [2, -4]' | mlp_ratios[1]",
                "repeated choice | 'mlp_ratios: [2, 4]' | 'mlp_ratios: [2, 2]' | mlp_ratios",
                "wrong type | embed_dims: [64, 128] | embed_dims: wide | embed_dims",
                "non-integer dim | embed_dims: [64, 128] | 'embed_dims: [64, 64.5]' | embed_dims[1]",
                "patch not a power of two | name: mine | 'name: mine\npatch_size: 3' | patch_size",
                "unknown backbone | name: mine | 'name: mine\nbackbone: resnet' | backbone",
                "absurd image | name: mine | 'name: mine\nimage_size: 100000' | image_size",
                "depth absent | 'depth: {min: 1, max: 3}' | '' | depth",
            })
    void parse_invalidSpace_namesTheField(String what, String replace, String with, String field) {
        String yaml = VALID.replace(replace, with.replace("\\n", "\n"));
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class, () -> SearchSpaces.parse(yaml));
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void parse_constraintWindowMinAboveMax_namesTheWindow() {
        InvalidSpaceException e = assertThrows(
                InvalidSpaceException.class,
                () -> SearchSpaces.parse(VALID + "constraints:\n  params: {min: 5, max: 1}\n"));
        assertEquals("constraints.params", e.field());
    }

    @Test
    void parse_sizesOverflowingALong_areRefused() {
        String yaml = """
                embed_dims: [65536]
                depth: {min: 1, max: 1000}
                mlp_ratios: [64]
                num_heads: [8]
                time_steps: [1024]
                image_size: 4096
                patch_size: 1
                """;
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class, () -> SearchSpaces.parse(yaml));
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
    }

    @Test
    void toYaml_roundTripsEveryShippedAndCustomSpace() {
        for (String name : SearchSpaces.BUILT_IN) {
            SearchSpace s = SearchSpaces.builtIn(name);
            assertEquals(s, SearchSpaces.parse(SearchSpaces.toYaml(s)));
        }
        SearchSpace custom = SearchSpaces.parse(VALID + "time_steps: [2, 4]\nbackbone: spikformer\n"
                + "constraints:\n  params: {max: 2000000}\n  energy_pj: {min: 1.5}\n");
        assertEquals(custom, SearchSpaces.parse(SearchSpaces.toYaml(custom)));
    }

    @Test
    void resolve_unknownNameOrMissingFile_explains() {
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class, () -> SearchSpaces.resolve("huge"));
        assertTrue(e.getMessage().contains("tiny"), e.getMessage());
    }

    @Test
    void fashionTable_lists252DistinctMembers_allFeasible() {
        SearchSpace space = SearchSpaces.builtIn("fashion-table");
        List<Genome> members = space.members(1_000);
        assertEquals(252, members.size());
        assertEquals(space.size().intValue(), members.size());
        assertEquals(252, members.stream().map(Genome::hash).distinct().count());
        members.forEach(space::requireContains);
        dev.autost.domain.search.Feasibility f = dev.autost.domain.search.Feasibility.of(space);
        assertEquals(252, members.stream().filter(f::admits).count(), "the window admits every member");
        assertThrows(
                InvalidSpaceException.class,
                () -> SearchSpaces.builtIn("fashion-micro").members(1_000));
    }
}
