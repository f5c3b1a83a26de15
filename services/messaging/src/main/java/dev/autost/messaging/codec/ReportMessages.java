package dev.autost.messaging.codec;

import dev.autost.proto.v1.Report;

/** What a {@link Report}'s phase means to its readers. Stateless. */
public final class ReportMessages {
    private ReportMessages() {}

    /** FINISHED, STOPPED and FAILED end an experiment for good: nothing about it changes after. */
    public static boolean isFinal(Report.Phase p) {
        return p == Report.Phase.FINISHED || p == Report.Phase.STOPPED || p == Report.Phase.FAILED;
    }
}
