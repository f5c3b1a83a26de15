package dev.autost.domain.cost;

/**
 * One module's share of a genome's cost, as listed by {@code autost explain}.
 *
 * @param name   qualified module name ({@code blocks.2.mlp.fc1_linear})
 * @param block  block index, or -1 for stem and head
 * @param kind   what the module does
 * @param params trainable parameters
 * @param syops  official count per image, per-call bias share included (0 if not counted)
 * @param full   every operation per image
 * @param acOps  accumulates (official count)
 * @param macOps multiply-accumulates (official count)
 * @param spikeInput neuron whose spikes feed the module, or null
 * @param inputRate  firing rate applied to the module's ops (1 for neurons and real inputs)
 */
public record LayerCost(
        String name,
        int block,
        OpKind kind,
        long params,
        double syops,
        long full,
        double acOps,
        double macOps,
        String spikeInput,
        double inputRate) {}
