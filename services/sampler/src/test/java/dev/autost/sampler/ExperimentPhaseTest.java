package dev.autost.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.messaging.codec.ReportMessages;
import dev.autost.proto.v1.Report;
import dev.autost.sampler.ExperimentPhase.Event;
import org.junit.jupiter.api.Test;

class ExperimentPhaseTest {
    @Test
    void next_calibratedSearchWithHalving_walksEveryOpenPhaseToDone() {
        ExperimentPhase p = ExperimentPhase.QUEUED;
        p = p.next(Event.ADMIT);
        assertEquals(ExperimentPhase.SEARCHING, p);
        p = p.next(Event.CALIBRATE);
        assertEquals(ExperimentPhase.CALIBRATING, p);
        p = p.next(Event.CALIBRATED);
        assertEquals(ExperimentPhase.SEARCHING, p);
        p = p.next(Event.HALVING_STARTED);
        assertEquals(ExperimentPhase.TRAINING, p);
        p = p.next(Event.TRAINING_CLOSED);
        assertEquals(ExperimentPhase.DONE, p);
        assertTrue(p.isOver());
    }

    @Test
    void next_stopAndFail_endEveryOpenPhase() {
        for (ExperimentPhase open : ExperimentPhase.values()) {
            if (!open.isOver()) {
                assertEquals(ExperimentPhase.STOPPED, open.next(Event.STOP), open.name());
                assertEquals(ExperimentPhase.FAILED, open.next(Event.FAIL), open.name());
            }
        }
    }

    @Test
    void next_anythingAfterTheEnd_isRefused() {
        for (ExperimentPhase over :
                new ExperimentPhase[] {ExperimentPhase.DONE, ExperimentPhase.STOPPED, ExperimentPhase.FAILED}) {
            for (Event e : Event.values()) {
                assertThrows(IllegalStateException.class, () -> over.next(e), over + " " + e);
            }
        }
    }

    @Test
    void next_outOfOrderEvents_areRefused() {
        assertThrows(IllegalStateException.class, () -> ExperimentPhase.QUEUED.next(Event.SEARCH_DONE));
        assertThrows(IllegalStateException.class, () -> ExperimentPhase.QUEUED.next(Event.CALIBRATE));
        assertThrows(IllegalStateException.class, () -> ExperimentPhase.SEARCHING.next(Event.CALIBRATED));
        assertThrows(IllegalStateException.class, () -> ExperimentPhase.SEARCHING.next(Event.ADMIT));
        assertThrows(IllegalStateException.class, () -> ExperimentPhase.CALIBRATING.next(Event.CALIBRATE));
        assertThrows(IllegalStateException.class, () -> ExperimentPhase.TRAINING.next(Event.SEARCH_DONE));
        assertEquals(ExperimentPhase.DONE, ExperimentPhase.CALIBRATING.next(Event.SEARCH_DONE), "space ran out");
    }

    @Test
    void isSearching_holdsARunningSlotOnlyWhileTheSearchRuns() {
        assertTrue(ExperimentPhase.SEARCHING.isSearching());
        assertTrue(ExperimentPhase.CALIBRATING.isSearching());
        assertFalse(ExperimentPhase.QUEUED.isSearching());
        assertFalse(ExperimentPhase.TRAINING.isSearching());
        assertFalse(ExperimentPhase.DONE.isSearching());
    }

    @Test
    void endedBy_finalReportsAndClosedTraining_openTrainingStaysOpen() {
        Report.Builder searchDone = ReportMessages.of("e", Report.Phase.SEARCH_DONE, SamplerHandler.SERVICE);
        assertEquals(ExperimentPhase.DONE, ExperimentPhase.endedBy(searchDone.build()));
        assertNull(ExperimentPhase.endedBy(searchDone.setTrainingOpen(true).build()));
        assertNull(ExperimentPhase.endedBy(
                ReportMessages.of("e", Report.Phase.RUNNING, "sampler").build()));
        assertEquals(
                ExperimentPhase.STOPPED,
                ExperimentPhase.endedBy(
                        ReportMessages.of("e", Report.Phase.STOPPED, "sampler").build()));
        assertEquals(
                ExperimentPhase.FAILED,
                ExperimentPhase.endedBy(
                        ReportMessages.failure("e", "sampler", "why").build()));
    }
}
