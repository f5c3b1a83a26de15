package dev.autost.domain.cost;

import java.util.List;

/** Per-module costs of one genome and their totals; what {@code autost explain} prints. */
public record CostBreakdown(List<LayerCost> modules, CostEstimate total) {
    public CostBreakdown {
        modules = List.copyOf(modules);
    }
}
