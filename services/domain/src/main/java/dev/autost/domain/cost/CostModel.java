package dev.autost.domain.cost;

import static java.lang.Math.addExact;
import static java.lang.Math.multiplyExact;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.domain.model.ModelSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closed-form costs of a genome: parameters, the official FLOPs score, the full FLOPs
 * count and the spiking energy estimate. No tensors, no forward pass.
 *
 * <p>{@link ModelWalk} is the only description of the network. Because every count is
 * linear in depth, in the sum of hidden widths and in the sum of head counts, the
 * model walks three tiny networks once per (D, T) and from then on scores a genome
 * with a dozen multiply-adds ({@link #estimate}). With per-layer firing rates that
 * shortcut no longer holds and the full walk is used.
 *
 * <p>Thread-safe: the coefficient cache is concurrent and everything else is immutable.
 */
public final class CostModel {
    private final ModelSetting setting;
    private final FiringRates rates;
    private final EnergyModel energy;
    private final ConcurrentHashMap<Long, Coefficients> coefficients = new ConcurrentHashMap<>();

    /** Cost model with default firing rates and 45 nm energy figures. */
    public CostModel(ModelSetting setting) {
        this(setting, FiringRates.defaults(), EnergyModel.CMOS_45NM);
    }

    public CostModel(ModelSetting setting, FiringRates rates, EnergyModel energy) {
        this.setting = Objects.requireNonNull(setting, "setting");
        this.rates = Objects.requireNonNull(rates, "rates");
        this.energy = Objects.requireNonNull(energy, "energy");
    }

    public ModelSetting setting() {
        return setting;
    }

    public FiringRates rates() {
        return rates;
    }

    /** The same model with other firing rates. */
    public CostModel withRates(FiringRates newRates) {
        return new CostModel(setting, newRates, energy);
    }

    /**
     * Checks that the network for {@code g} can be built: D divisible by 8 (stem
     * channels D/8) and by every head count, every hidden width at least 1.
     *
     * @throws InvalidGenomeException naming the offending gene
     */
    public void check(Genome g) {
        int d = g.embedDim();
        if (d % 8 != 0) {
            throw new InvalidGenomeException(
                    "embed_dim " + d + " is not divisible by 8 (the stem's first stage has embed_dim/8 channels)");
        }
        for (int i = 0; i < g.depth(); i++) {
            int h = g.numHeads().get(i);
            if (d % h != 0) {
                throw new InvalidGenomeException("embed_dim " + d + " is not divisible by num_heads[" + i + "] = " + h);
            }
            if (g.hiddenWidth(i) < 1) {
                throw new InvalidGenomeException(
                        "mlp_ratios[" + i + "] = " + g.mlpRatios().get(i) + " gives an MLP hidden width of 0");
            }
        }
    }

    /**
     * All costs of {@code g}.
     *
     * @throws InvalidGenomeException if the network cannot be built ({@link #check})
     * @throws ArithmeticException    if a count overflows a long (absurd sizes)
     */
    public CostEstimate estimate(Genome g) {
        if (!rates.isUniform()) {
            return explain(g).total();
        }
        int d = g.embedDim();
        if (d % 8 != 0) {
            check(g);
        }
        long sumHidden = 0;
        long sumHeads = 0;
        for (int i = 0; i < g.depth(); i++) {
            int h = g.numHeads().get(i);
            int hidden = g.hiddenWidth(i);
            if (d % h != 0 || hidden < 1) {
                check(g);
            }
            sumHidden += hidden;
            sumHeads += h;
        }
        int t = g.timeStepsOr(setting.timeSteps());
        Coefficients c = coefficients(d, t);
        long[] v = new long[CostTotals.SIZE];
        CostTotals.combine(c.stem, g.depth(), c.perBlock, v);
        CostTotals.combine(v, sumHidden, c.perHidden, v);
        CostTotals.combine(v, sumHeads, c.perHead, v);
        return fromTotals(v, rates.fallback());
    }

    /** Trainable parameters of the model built for {@code g}. */
    public long params(Genome g) {
        long hidden = 0;
        for (int i = 0; i < g.depth(); i++) {
            hidden += g.hiddenWidth(i);
        }
        Coefficients c = coefficients(g.embedDim(), g.timeStepsOr(setting.timeSteps()));
        return addExact(
                addExact(c.stem[CostTotals.PARAMS], multiplyExact(g.depth(), c.perBlock[CostTotals.PARAMS])),
                multiplyExact(hidden, c.perHidden[CostTotals.PARAMS]));
    }

    /** Per-module costs of {@code g}, applying per-layer firing rates when given. */
    public CostBreakdown explain(Genome g) {
        check(g);
        int depth = g.depth();
        int[] hidden = new int[depth];
        int[] heads = new int[depth];
        for (int i = 0; i < depth; i++) {
            hidden[i] = g.hiddenWidth(i);
            heads[i] = g.numHeads().get(i);
        }
        List<LayerCost> rows = new ArrayList<>();
        CostTotals totals = new CostTotals();
        double[] sums = new double[4]; // ac, mac, full ac, full mac
        double batch = setting.syopsBatch();
        ModelWalk.walk(
                setting,
                g.embedDim(),
                g.timeStepsOr(setting.timeSteps()),
                hidden,
                heads,
                (block, m, syops, bias, full, params, src) -> {
                    totals.module(block, m, syops, bias, full, params, src);
                    double counted = syops + bias / batch;
                    double rate = src == null ? 1.0 : rates.rate(block, src);
                    double ac;
                    double mac;
                    if (m.kind() == OpKind.NEURON) {
                        ac = counted;
                        mac = 0;
                    } else if (src != null) {
                        ac = counted * rate;
                        mac = 0;
                    } else {
                        ac = 0;
                        mac = counted;
                    }
                    sums[0] += ac;
                    sums[1] += mac;
                    OpKind k = m.kind();
                    if (k == OpKind.NEURON || k == OpKind.ADD || k == OpKind.MEAN) {
                        sums[2] += full;
                    } else if (src != null) {
                        sums[2] += full * rate;
                    } else {
                        sums[3] += full;
                    }
                    rows.add(new LayerCost(
                            m.qualifiedName(block),
                            block,
                            k,
                            params,
                            m.countedBySyops() ? counted : 0,
                            full,
                            ac,
                            mac,
                            src == null ? null : src.qualifiedName(block),
                            rate));
                });
        long[] v = totals.v;
        CostEstimate total = new CostEstimate(
                v[CostTotals.PARAMS],
                v[CostTotals.SYOPS],
                v[CostTotals.SYOPS_BIAS],
                setting.syopsBatch(),
                v[CostTotals.FULL],
                sums[0],
                sums[1],
                energy.picojoules(sums[0], sums[1]),
                energy.picojoules(sums[2], sums[3]));
        return new CostBreakdown(rows, total);
    }

    private CostEstimate fromTotals(long[] v, double rate) {
        double batch = setting.syopsBatch();
        double ac = v[CostTotals.NEURON_OPS] + rate * (v[CostTotals.SPIKE_OPS] + v[CostTotals.SPIKE_BIAS] / batch);
        double mac = v[CostTotals.REAL_OPS] + v[CostTotals.REAL_BIAS] / batch;
        double acFull = v[CostTotals.FULL_ACCUMULATE] + rate * v[CostTotals.FULL_SPIKE];
        double macFull = v[CostTotals.FULL_REAL];
        return new CostEstimate(
                v[CostTotals.PARAMS],
                v[CostTotals.SYOPS],
                v[CostTotals.SYOPS_BIAS],
                setting.syopsBatch(),
                v[CostTotals.FULL],
                ac,
                mac,
                energy.picojoules(ac, mac),
                energy.picojoules(acFull, macFull));
    }

    private Coefficients coefficients(int embedDim, int timeSteps) {
        long key = ((long) embedDim << 32) | timeSteps;
        Coefficients c = coefficients.get(key);
        if (c == null) {
            c = Coefficients.derive(setting, embedDim, timeSteps);
            coefficients.putIfAbsent(key, c);
        }
        return c;
    }

    /** Totals of the stem and head, and what one block, one hidden unit and one head add. */
    private record Coefficients(long[] stem, long[] perBlock, long[] perHidden, long[] perHead) {
        static Coefficients derive(ModelSetting s, int d, int t) {
            long[] none = walk(s, d, t, new int[0], new int[0]);
            long[] bare = walk(s, d, t, new int[] {0}, new int[] {0});
            long[] oneHidden = walk(s, d, t, new int[] {1}, new int[] {0});
            long[] oneHead = walk(s, d, t, new int[] {0}, new int[] {1});
            return new Coefficients(
                    none,
                    CostTotals.minus(bare, none),
                    CostTotals.minus(oneHidden, bare),
                    CostTotals.minus(oneHead, bare));
        }

        private static long[] walk(ModelSetting s, int d, int t, int[] hidden, int[] heads) {
            CostTotals totals = new CostTotals();
            ModelWalk.walk(s, d, t, hidden, heads, totals);
            return totals.v;
        }
    }
}
