package dev.autost.domain.cost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-module costs of one genome and their totals; what {@code autost explain} prints. */
public record CostBreakdown(List<LayerCost> modules, CostEstimate total) {
    public CostBreakdown {
        modules = List.copyOf(modules);
    }

    /**
     * The modules summed per layer, in network order: the stem and the head each one layer,
     * every block's attention and MLP one each ({@code blocks.2.attn}).
     *
     * @param name   the layer
     * @param params trainable parameters
     * @param syops  official count per image
     * @param full   every operation per image
     * @param acOps  accumulates (official count)
     * @param macOps multiply-accumulates (official count)
     */
    public record Layer(String name, long params, double syops, long full, double acOps, double macOps) {}

    /** {@link #modules} summed per layer. */
    public List<Layer> layers() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (LayerCost m : modules) {
            double[] a = sums.computeIfAbsent(layerOf(m.name()), k -> new double[5]);
            a[0] += m.params();
            a[1] += m.syops();
            a[2] += m.full();
            a[3] += m.acOps();
            a[4] += m.macOps();
        }
        List<Layer> out = new ArrayList<>(sums.size());
        sums.forEach((name, a) -> out.add(new Layer(name, (long) a[0], a[1], (long) a[2], a[3], a[4])));
        return out;
    }

    /** The layer of a module: {@code blocks.2.mlp.fc1_linear} is {@code blocks.2.mlp}, {@code sps.conv1} is {@code sps}. */
    public static String layerOf(String module) {
        if (module.startsWith("blocks.")) {
            String[] parts = module.split("\\.");
            return parts[0] + "." + parts[1] + "." + parts[2];
        }
        int dot = module.indexOf('.');
        return dot < 0 ? module : module.substring(0, dot);
    }
}
