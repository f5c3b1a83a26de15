package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autost.domain.search.Objective;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderboardQueryTest {
    private static dev.autost.domain.genome.Genome genome(String name) {
        return dev.autost.domain.genome.Genome.uniform(1, 4, 1, 8 * (name.charAt(0) - 'a' + 1));
    }

    /** The real genome hash of candidate NAME (a, b, c, d: one-block networks of width 8, 16...). */
    private static String hash(String name) {
        return genome(name).hash();
    }

    /** Candidate NAME with these FLOPs (the objective), params and energy, in ask order SEQ. */
    private static Score score(String name, double flops, long params, double energy, long seq) {
        return Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash(hash(name))
                .setGenome(dev.autost.messaging.codec.GenomeMessages.toProto(genome(name)))
                .setFlopsSyops(flops)
                .setParams(params)
                .setEnergyPj(energy)
                .setSequence(seq)
                .build();
    }

    private static final List<ScoreMessages.Ranked> RANKING = ScoreMessages.rank(
            List.of(
                    score("a", 30, 3_000_000, 5, 0),
                    score("b", 20, 1_000_000, 9, 1),
                    score("c", 10, 2_000_000, 1, 2),
                    score("d", 5, 1_000_000, 2, 3)),
            Objective.DEFAULT,
            32);

    private static final Map<String, TrainResult> RESULTS = Map.of(
            hash("b"),
                    TrainResult.newBuilder()
                            .setStatus(TrainResult.Status.OK)
                            .setTestAccuracy(0.9)
                            .build(),
            hash("c"),
                    TrainResult.newBuilder()
                            .setStatus(TrainResult.Status.OK)
                            .setTestAccuracy(0.8)
                            .build(),
            hash("a"),
                    TrainResult.newBuilder()
                            .setStatus(TrainResult.Status.FAILED)
                            .build());

    /** The candidates' names, in the order the query returns them. */
    private static List<String> rows(Map<String, String> params) {
        return LeaderboardQuery.parse(params::get).apply(RANKING, RESULTS).stream()
                .map(r -> List.of("a", "b", "c", "d").stream()
                        .filter(n -> hash(n).equals(r.score().getGenomeHash()))
                        .findFirst()
                        .orElseThrow())
                .toList();
    }

    @Test
    void defaults_theObjectivesRanking() {
        assertEquals(List.of("a", "b", "c", "d"), rows(Map.of()));
        assertEquals(List.of("d", "c", "b", "a"), rows(Map.of("order", "asc")));
    }

    @Test
    void byACostMetric_lessFirstByDefault_tiesInTheObjectivesOrder() {
        assertEquals(List.of("b", "d", "c", "a"), rows(Map.of("by", "params")));
        assertEquals(List.of("a", "c", "b", "d"), rows(Map.of("by", "params", "order", "desc")));
        assertEquals(List.of("c", "d", "a", "b"), rows(Map.of("by", "energy_pj")));
    }

    @Test
    void filters_trainedOnlyAndAParameterBound() {
        assertEquals(List.of("b", "c"), rows(Map.of("by", "accuracy")), "failed trainings are not ranked");
        assertEquals(List.of("b", "c"), rows(Map.of("trained", "true")));
        assertEquals(List.of("b", "d"), rows(Map.of("max_params", "1.5e6")));
        assertEquals(List.of("b"), rows(Map.of("max_params", "1.5e6", "trained", "true")));
    }

    @Test
    void badValues_refusedNamingTheParameter() {
        assertEquals(
                "by: expected one of score, accuracy, params, energy_pj, flops_syops, flops_full, got size",
                assertThrows(IllegalArgumentException.class, () -> rows(Map.of("by", "size")))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> rows(Map.of("order", "up")));
        assertThrows(IllegalArgumentException.class, () -> rows(Map.of("trained", "yes")));
        assertEquals(
                "max_params: expected a number such as 12e6, got lots",
                assertThrows(IllegalArgumentException.class, () -> rows(Map.of("max_params", "lots")))
                        .getMessage());
    }
}
