package dev.autost.domain.cost;

/** Receives every arithmetic module of one model, in forward order, from {@link ModelWalk}. */
interface CostSink {
    /**
     * @param block       block index, or -1 for stem and head
     * @param module      which module
     * @param syops       operations per image as the official counter counts them, without
     *                    the per-call bias term (0 for modules it does not count)
     * @param biasPerCall bias additions the counter adds once per forward call
     * @param full        every operation per image, bias added per output element
     * @param params      trainable parameters of the module
     * @param spikeSource neuron whose spikes are the module's input, or null for real values
     */
    void module(
            int block,
            NetworkModule module,
            long syops,
            long biasPerCall,
            long full,
            long params,
            NetworkModule spikeSource);
}
