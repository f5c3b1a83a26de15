package dev.autost.domain.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The training-free costs of one genome. Immutable.
 *
 * @param params           trainable parameters of the model the trainer builds
 * @param syopsWhole       official FLOPs count per image without the per-call bias term
 * @param syopsBiasPerCall bias additions the official counter adds once per forward call
 * @param syopsBatch       batch size of that call; {@code flops_syops = whole + bias / batch}
 * @param flopsFull        every operation per image: attention matmuls, scale, residual adds,
 *                         means and per-element bias included
 * @param acOps            accumulates of the official count (neurons, and spike-fed modules
 *                         weighted by their input firing rate)
 * @param macOps           multiply-accumulates of the official count (real-valued inputs)
 * @param energyPj         {@code acOps * AC + macOps * MAC}: the AutoST v1 energy estimate
 * @param energyFullPj     the same estimate over the full count
 */
public record CostEstimate(
        long params,
        long syopsWhole,
        long syopsBiasPerCall,
        int syopsBatch,
        long flopsFull,
        double acOps,
        double macOps,
        double energyPj,
        double energyFullPj) {

    /** The official score: FLOPs per image as AutoST's syops counter reports it. */
    public double flopsSyops() {
        return syopsWhole + (double) syopsBiasPerCall / syopsBatch;
    }

    /** {@link #flopsSyops()} as an exact decimal (e.g. {@code 3703150515.125}), for output. */
    public BigDecimal flopsSyopsExact() {
        BigDecimal frac =
                BigDecimal.valueOf(syopsBiasPerCall).divide(BigDecimal.valueOf(syopsBatch), 12, RoundingMode.HALF_EVEN);
        BigDecimal sum = BigDecimal.valueOf(syopsWhole).add(frac).stripTrailingZeros();
        return sum.scale() < 0 ? sum.setScale(0) : sum;
    }
}
