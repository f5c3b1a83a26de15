package dev.autost.messaging.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Objective;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.Score;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreMessagesTest {
    private static final CostModel COSTS =
            new CostModel(SearchSpaces.builtIn("fashion-micro").modelSetting());

    private static Score score(Genome g, long sequence) {
        CandidateMessage c = CandidateMessage.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash(g.hash())
                .setGenome(GenomeMessages.toProto(g))
                .setSequence(sequence)
                .build();
        return ScoreMessages.score(c, g, COSTS.estimate(g), "test");
    }

    @Test
    void rank_byFlops_bestFirst_leavingOutWhatNoSamplerPublishes() {
        Score small = score(new Genome(1, List.of(2.0), List.of(2), 32, 0), 0);
        Score big = score(new Genome(2, List.of(4.0, 4.0), List.of(2, 2), 64, 0), 1);
        Score notFinite = score(new Genome(1, List.of(3.0), List.of(2), 32, 0), 2).toBuilder()
                .setFlopsSyops(Double.NaN)
                .build();
        Score takenPosition = score(new Genome(1, List.of(4.0), List.of(2), 32, 0), 1);
        Score negative = score(new Genome(1, List.of(4.0), List.of(4), 32, 0), -5);
        List<ScoreMessages.Ranked> ranked =
                ScoreMessages.rank(List.of(small, big, notFinite, takenPosition, negative), Objective.DEFAULT, 32);
        assertEquals(
                List.of(big, small),
                ranked.stream().map(ScoreMessages.Ranked::score).toList());
        assertEquals(big.getFlopsSyops(), ranked.get(0).outcome().score());
    }

    @Test
    void keep_aProbedScoreIsNotReplacedByALaterUnprobedOne() {
        Score plain = score(new Genome(1, List.of(2.0), List.of(2), 32, 0), 0);
        Score probed = ScoreMessages.probed(plain, Map.of("sahd", 1.0, "naswot", 2.0, "energy_init_pj", 3.0));
        assertEquals(probed, ScoreMessages.keep(probed, plain));
        assertEquals(probed, ScoreMessages.keep(plain, probed));
        assertEquals(plain, ScoreMessages.keep(null, plain));
    }

    @Test
    void fromRanked_givesBackTheScoreAReportEntryWasMadeFrom_probesIncluded() {
        Score plain = score(new Genome(2, List.of(4.0, 2.0), List.of(2, 4), 64, 1), 7).toBuilder()
                .setGeneration(3)
                .setEnergyPj(12.5)
                .setFlopsFull(99.0)
                .setParams(1234)
                .build();
        Score probed = ScoreMessages.probed(plain, Map.of("sahd", 1.5, "naswot", -2.0));
        Score back = ScoreMessages.fromRanked(
                probed.getExperimentId(),
                ScoreMessages.ranked(probed).setTestAccuracy(0.9).build());
        assertEquals(probed.toBuilder().clearScorerId().clearSkipProbe().build(), back);
    }
}
