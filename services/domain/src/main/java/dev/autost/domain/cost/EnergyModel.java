package dev.autost.domain.cost;

/**
 * Energy per operation. AC (accumulate) is what a spike-driven synapse costs, MAC
 * (multiply-accumulate) what a real-valued one costs.
 *
 * @param acPj  picojoules per accumulate
 * @param macPj picojoules per multiply-accumulate
 */
public record EnergyModel(double acPj, double macPj) {
    /** 45 nm CMOS figures used by the AutoST v1 preprint and Spikformer: AC 0.9 pJ, MAC 4.6 pJ. */
    public static final EnergyModel CMOS_45NM = new EnergyModel(0.9, 4.6);

    public EnergyModel {
        if (!(acPj >= 0) || !(macPj >= 0)) {
            throw new IllegalArgumentException("energy per op must be non-negative, got AC " + acPj + ", MAC " + macPj);
        }
    }

    public double picojoules(double acOps, double macOps) {
        return acOps * acPj + macOps * macPj;
    }
}
