package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.Outcome;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.proto.v1.TrainResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsWriterTest {
    @Test
    void printTrained_underAnotherObjective_theFlopsColumnShowsFlopsNotTheScore() {
        Genome g = Genome.uniform(2, 4, 2, 64);
        CostEstimate cost = new CostModel(SearchSpaces.builtIn("small").modelSetting()).estimate(g);
        Trial t = new Trial(new Candidate(1, 0, g), new Outcome(520.65, cost)); // a SAHD score
        TrainResult r = TrainResult.newBuilder()
                .setGenomeHash(g.hash())
                .setStatus(TrainResult.Status.OK)
                .setEpochs(1)
                .setTestAccuracy(0.61)
                .build();
        StringWriter s = new StringWriter();
        ResultsWriter.printTrained(
                new PrintWriter(s, true),
                List.of(t),
                new ExperimentClient.FollowedExperiment(List.of(), Map.of(g.hash(), r), null, null));
        String flops = String.format("%,.0f", cost.flopsSyops());
        assertTrue(s.toString().contains(flops), s.toString());
        assertTrue(!s.toString().contains(" 521 "), s.toString());
    }
}
