package dev.autost.models.proxy;

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
}
