package dev.autost.domain.search;

import dev.autost.domain.cost.CostModel;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which candidates of a generation a search on a probe metric actually probes: the best {@code
 * fraction} by the cheap metric {@code flops_syops} (at least one), ties by ask order. A probe
 * costs about half a second for a small network on one core and ten or more for a large one,
 * against a tenth of a microsecond for the cost model; gating spends the probes where the cheap
 * metric says the good networks are. The others rank below every probed candidate.
 *
 * <p>The decision depends only on the generation's genomes, so the sampler, a restarted sampler and
 * an offline search make the same one.
 *
 * @param fraction in (0, 1]; 1 probes everything
 */
public record ProbeGate(double fraction) {
    /** Probe every candidate. */
    public static final ProbeGate ALL = new ProbeGate(1.0);

    public ProbeGate {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("probe_fraction must be in (0, 1], got " + fraction);
        }
    }

    /** @param fraction a spec's value: 0 (unset) means {@link #ALL} */
    public static ProbeGate of(double fraction) {
        return fraction == 0 ? ALL : new ProbeGate(fraction);
    }

    /** The ids of the candidates of {@code generation} that are not probed. */
    public Set<Long> skipped(List<Candidate> generation, CostModel costs) {
        if (fraction == 1.0 || generation.isEmpty()) {
            return Set.of();
        }
        int probed = Math.max(1, (int) Math.ceil(fraction * generation.size()));
        List<Candidate> byFlops = generation.stream()
                .sorted(Comparator.comparingDouble(
                                (Candidate c) -> -costs.estimate(c.genome()).flopsSyops())
                        .thenComparingLong(Candidate::id))
                .toList();
        Set<Long> skipped = new HashSet<>();
        for (Candidate c : byFlops.subList(probed, byFlops.size())) {
            skipped.add(c.id());
        }
        return skipped;
    }
}
