package dev.autost.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Report;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBudgetTest {
    private static RankedCandidate candidate(int generation) {
        Genome g = Genome.uniform(12, 4, 8, 512);
        return RankedCandidate.newBuilder()
                .setGenomeHash(Integer.toHexString(generation))
                .setGenome(GenomeMessages.toProto(g))
                .setGeneration(generation)
                .setFlopsSyops(1e9 + generation)
                .build();
    }

    /**
     * 10 000 generations' bests made a report of megabytes, which the broker refused for good;
     * thinned, it fits, and keeps the top candidates, the first and the last generation.
     */
    @Test
    void fit_tenThousandGenerationBests_fitsUnderTheLimitKeepingTopFirstAndLast() {
        List<RankedCandidate> top = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            top.add(candidate(-1 - i));
        }
        List<RankedCandidate> bests = new ArrayList<>();
        for (int g = 0; g < 10_000; g++) {
            bests.add(candidate(g));
        }
        Report.Builder b = Report.newBuilder().setExperimentId("e");
        assertTrue(
                b.clone().addAllTop(top).addAllTop(bests).build().getSerializedSize() > 1_000_000,
                "too large as it was");

        Report r = ReportBudget.fit(b, top, bests);

        assertTrue(r.getSerializedSize() <= ReportBudget.MAX_REPORT_BYTES, "size " + r.getSerializedSize());
        assertEquals(top, r.getTopList().subList(0, 50));
        List<RankedCandidate> kept = r.getTopList().subList(50, r.getTopCount());
        assertTrue(kept.size() > 100, "still draws the progress: " + kept.size());
        assertEquals(0, kept.get(0).getGeneration());
        assertEquals(9_999, kept.get(kept.size() - 1).getGeneration());
    }

    @Test
    void fit_smallReport_unchanged() {
        List<RankedCandidate> top = List.of(candidate(-1));
        List<RankedCandidate> bests = List.of(candidate(0), candidate(1), candidate(2));
        Report r = ReportBudget.fit(Report.newBuilder().setExperimentId("e"), top, bests);
        assertEquals(4, r.getTopCount());
    }
}
