package dev.autost.evaluator;

import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Report;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps an evaluation report under the size Kafka takes in one record. A report lists the top
 * candidates and then each generation's best; a search of 10 000 generations made that list
 * alone about 2 MB, and the broker refused the report, the final summary included, for good.
 * When a report is too large, every second generation's best is left out (the first and the
 * last kept) until it fits; the top candidates always stay.
 */
final class ReportBudget {
    /**
     * Bytes a report may take: half of the broker's and the producer's default 1 MB limit, so that
     * the record's key, headers and batch framing always fit too.
     */
    static final int MAX_REPORT_BYTES = 512 * 1024;

    private ReportBudget() {}

    /**
     * The report with {@code top} as its top list and as many of {@code generationBests} (in
     * generation order) as fit, evenly thinned.
     */
    static Report fit(Report.Builder report, List<RankedCandidate> top, List<RankedCandidate> generationBests) {
        return fit(report, top, generationBests, MAX_REPORT_BYTES);
    }

    static Report fit(
            Report.Builder report, List<RankedCandidate> top, List<RankedCandidate> generationBests, int maxBytes) {
        List<RankedCandidate> bests = generationBests;
        while (true) {
            Report r = report.clearTop().addAllTop(top).addAllTop(bests).build();
            if (r.getSerializedSize() <= maxBytes || bests.isEmpty()) {
                return r;
            }
            bests = everySecond(bests);
        }
    }

    /** Entries 0, 2, 4, ... and always the last one; empty once only one was left. */
    private static List<RankedCandidate> everySecond(List<RankedCandidate> list) {
        if (list.size() <= 1) {
            return List.of();
        }
        List<RankedCandidate> out = new ArrayList<>(list.size() / 2 + 1);
        for (int i = 0; i < list.size(); i += 2) {
            out.add(list.get(i));
        }
        if ((list.size() - 1) % 2 != 0) {
            out.add(list.get(list.size() - 1));
        }
        return out;
    }
}
