package dev.autost.messaging.codec;

import dev.autost.domain.search.Calibration;
import dev.autost.proto.v1.CalibrationStep;
import dev.autost.proto.v1.MetricCorrelation;
import dev.autost.proto.v1.Report;
import java.util.Map;
import java.util.TreeMap;

/** The {@link CalibrationStep} of a sampler's report: the choices of objective {@code calibrated}. Stateless. */
public final class CalibrationMessages {
    private CalibrationMessages() {}

    public static CalibrationStep step(int fromGeneration, Calibration.Choice c) {
        CalibrationStep.Builder b = CalibrationStep.newBuilder()
                .setFromGeneration(fromGeneration)
                .setMetric(c.metric())
                .setTrained(c.trained())
                .setNote(c.note());
        c.taus()
                .forEach((metric, tau) -> b.addCorrelations(MetricCorrelation.newBuilder()
                        .setMetric(metric)
                        .setN(c.trained())
                        .setKendallTauB(tau)));
        return b.build();
    }

    /** The metric chosen from each generation on, as a report records them (empty without any). */
    public static Map<Integer, String> choices(Report r) {
        return r == null ? Map.of() : choices(r.getCalibrationList());
    }

    /** The metric chosen from each generation on. */
    public static Map<Integer, String> choices(java.util.List<CalibrationStep> steps) {
        Map<Integer, String> out = new TreeMap<>();
        for (CalibrationStep s : steps) {
            out.put(s.getFromGeneration(), s.getMetric());
        }
        return out;
    }
}
