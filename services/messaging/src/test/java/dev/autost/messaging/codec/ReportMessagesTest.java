package dev.autost.messaging.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.proto.v1.Report;
import org.junit.jupiter.api.Test;

class ReportMessagesTest {
    private static Report report(Report.Phase p, boolean trainingOpen) {
        return Report.newBuilder().setPhase(p).setTrainingOpen(trainingOpen).build();
    }

    @Test
    void searchAndTrainingDone_onlyASearchDoneWithTrainingClosed() {
        assertTrue(ReportMessages.searchAndTrainingDone(report(Report.Phase.SEARCH_DONE, false)));
        assertFalse(ReportMessages.searchAndTrainingDone(report(Report.Phase.SEARCH_DONE, true)), "halving open");
        assertFalse(ReportMessages.searchAndTrainingDone(report(Report.Phase.RUNNING, false)));
    }

    @Test
    void current_theEvaluatorsFinalWordWins_elseTheSamplers_elseUnspecified() {
        Report running = report(Report.Phase.RUNNING, false);
        assertEquals(Report.Phase.PHASE_UNSPECIFIED, ReportMessages.current(null, null));
        assertEquals(Report.Phase.RUNNING, ReportMessages.current(running, report(Report.Phase.RUNNING, false)));
        assertEquals(Report.Phase.STOPPED, ReportMessages.current(running, report(Report.Phase.STOPPED, false)));
        assertEquals(Report.Phase.FAILED, ReportMessages.current(null, report(Report.Phase.FAILED, false)));
    }
}
