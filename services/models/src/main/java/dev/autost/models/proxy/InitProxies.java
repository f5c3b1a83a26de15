package dev.autost.models.proxy;

import dev.autost.domain.search.Objective;
import java.util.Map;

/**
 * Training-free proxies of an untrained model, from one batch of real data.
 *
 * @param naswot      log |det| of the spike Hamming kernel (NASWOT adapted to spikes)
 * @param sahd        log |det| of the sparsity-aware Hamming kernel (SNASNet's SAHD)
 * @param firingRates mean firing rate per neuron layer over that batch
 * @param batch       images in the batch
 */
public record InitProxies(double naswot, double sahd, Map<String, Double> firingRates, int batch) {
    public InitProxies {
        firingRates = Map.copyOf(firingRates);
    }

    /**
     * The proxies by the names scores, results and objectives use ({@link Objective#PROBE_METRICS}),
     * with the energy the cost model gives for these firing rates.
     */
    public Map<String, Double> metrics(double energyInitPj) {
        return Map.of(Objective.NASWOT, naswot, Objective.SAHD, sahd, Objective.ENERGY_INIT_PJ, energyInitPj);
    }
}
