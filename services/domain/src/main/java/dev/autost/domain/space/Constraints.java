package dev.autost.domain.space;

import dev.autost.domain.cost.CostEstimate;
import java.util.Objects;

/**
 * Feasibility windows applied to every candidate before it is scored.
 *
 * @param params     window on trainable parameters (AutoST: 11–12 M)
 * @param flopsSyops optional window on the official FLOPs score
 * @param energyPj   optional window on the energy estimate
 */
public record Constraints(Window params, Window flopsSyops, Window energyPj) {
    public static final Constraints NONE = new Constraints(Window.UNBOUNDED, Window.UNBOUNDED, Window.UNBOUNDED);

    public Constraints {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(flopsSyops, "flops_syops");
        Objects.requireNonNull(energyPj, "energy_pj");
    }

    public boolean admits(CostEstimate cost) {
        return params.contains(cost.params())
                && flopsSyops.contains(cost.flopsSyops())
                && energyPj.contains(cost.energyPj());
    }

    /** True when only the parameter window applies, so params alone decide feasibility. */
    public boolean paramsOnly() {
        return flopsSyops.isUnbounded() && energyPj.isUnbounded();
    }

    public Constraints withParams(Window w) {
        return new Constraints(w, flopsSyops, energyPj);
    }
}
