package dev.autost.cli.options;

import dev.autost.domain.search.Objective;
import dev.autost.domain.search.ProbeGate;
import picocli.CommandLine.Option;

/** {@code --objective}: the metric a search maximises. */
public final class ObjectiveOption {
    @Option(
            names = "--objective",
            paramLabel = "METRIC",
            description = "The metric the search maximises: flops_syops (the paper's), flops_full, params, energy_pj"
                    + " (cost model), or sahd, naswot, energy_init_pj (measured on the untrained network: the"
                    + " prober service through Kafka, in process with --offline; --device and --data-dir apply),"
                    + " rank-mean:A,B[,...] (mean percentile among the first generation), or calibrated (trains"
                    + " --calibration-size of the first generation, then ranks by the metric whose rank"
                    + " correlation with their accuracy is highest; through Kafka only)."
                    + " Default: ${DEFAULT-VALUE}.",
            defaultValue = Objective.FLOPS_SYOPS,
            converter = Converter.class)
    Objective objective;

    @Option(
            names = "--probe-fraction",
            paramLabel = "F",
            description = "With a probe objective: probe only the best fraction F (0 < F <= 1) of each generation"
                    + " by flops_syops; the rest rank below every probed candidate (default: ${DEFAULT-VALUE},"
                    + " probe all).",
            defaultValue = "1")
    double probeFraction;

    @Option(
            names = "--calibration-size",
            paramLabel = "N",
            description = "With --objective calibrated: first-generation candidates trained (one per shape) before"
                    + " the search goes on (default: " + dev.autost.domain.search.Calibration.DEFAULT_SIZE + ").")
    Integer calibrationSize;

    /** The calibration sample's size for a spec: 0 (the default) unless given. */
    public int calibrationSize() {
        if (calibrationSize != null && !objective.isCalibrated()) {
            throw new IllegalArgumentException("--calibration-size needs --objective calibrated");
        }
        return calibrationSize == null ? 0 : calibrationSize;
    }

    public Objective objective() {
        return objective;
    }

    /** The gate, checked: a fraction outside (0, 1] is refused naming the option. */
    public ProbeGate probeGate() {
        try {
            return new ProbeGate(probeFraction);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--probe-fraction must be in (0, 1], got " + probeFraction);
        }
    }

    /** The domain's names and error message. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<Objective> {
        @Override
        public Objective convert(String value) {
            return Objective.parse(value);
        }
    }
}
